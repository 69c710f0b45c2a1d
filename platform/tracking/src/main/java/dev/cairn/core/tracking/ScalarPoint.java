package dev.cairn.core.tracking;

/** One point of a scalar series. */
public record ScalarPoint(String runId, String tag, long step, long wallTimeMillis, double value) {}
