package dev.cairn.core.sweep;

import java.time.Instant;

/** A stored sweep. */
public record SweepRecord(
    String id,
    String name,
    String experiment,
    SweepStatus status,
    SweepMethod method,
    String metric,
    Goal goal,
    int runCap,
    int parallel,
    long seed,
    String specHash,
    String sweepText,
    String baseText,
    Instant createdAt,
    Instant endedAt,
    String message) {}
