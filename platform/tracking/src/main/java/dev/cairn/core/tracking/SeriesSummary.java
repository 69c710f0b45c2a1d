package dev.cairn.core.tracking;

/** Summary of one scalar series, read from chunk headers without touching points. */
public record SeriesSummary(
    String tag,
    long count,
    long firstStep,
    long lastStep,
    double min,
    double max,
    double lastValue) {}
