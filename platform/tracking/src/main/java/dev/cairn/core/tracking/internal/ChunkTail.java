package dev.cairn.core.tracking.internal;

/**
 * The last stored chunk of a series, read when the writer first touches a run: it tells the last
 * step (so replayed points are ignored after a restart) and, when not sealed, its points (so the
 * writer goes on filling it). The arrays are null for a sealed chunk.
 */
public record ChunkTail(
    String tag,
    int chunkNo,
    int count,
    long lastStep,
    boolean sealed,
    byte[] steps,
    byte[] wallTimes,
    byte[] values) {}
