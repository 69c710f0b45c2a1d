package dev.cairn.core.tracking;

import java.time.Instant;
import java.util.Map;

/**
 * A stored run.
 *
 * @param startedAt null until RUNNING
 * @param endedAt null until terminal
 * @param message failure or kill reason; null otherwise
 */
public record RunRecord(
    String id,
    String experiment,
    String name,
    RunStatus status,
    Instant createdAt,
    Instant startedAt,
    Instant endedAt,
    long seed,
    String device,
    String specHash,
    String specText,
    String message,
    Map<String, String> provenance) {}
