package dev.cairn.core.tracking.internal;

import java.util.Arrays;

/**
 * The points of one chunk (run x tag x block of up to {@link #CAPACITY} points) held by the writer
 * until they are flushed. Its header (count, step range, min, max, last value) is kept as points
 * arrive. Min and max skip NaN; they are NaN only while every value is NaN.
 */
public final class OpenChunk {
  /** Points per chunk; a chunk that holds this many is sealed and never rewritten. */
  public static final int CAPACITY = 1024;

  private final String runId;
  private final String tag;
  private final int chunkNo;
  private long[] steps;
  private long[] wallTimes;
  private double[] values;
  private int count;
  private double min = Double.NaN;
  private double max = Double.NaN;
  private boolean dirty;

  public OpenChunk(String runId, String tag, int chunkNo) {
    this.runId = runId;
    this.tag = tag;
    this.chunkNo = chunkNo;
    this.steps = new long[16];
    this.wallTimes = new long[16];
    this.values = new double[16];
  }

  /** Rebuilds an unsealed chunk from its stored row, so that the next flush rewrites it whole. */
  public static OpenChunk restore(
      String runId, String tag, int chunkNo, byte[] steps, byte[] wallTimes, byte[] values) {
    OpenChunk chunk = new OpenChunk(runId, tag, chunkNo);
    chunk.ensureCapacity(CAPACITY);
    int n = ChunkCodec.decodeLongs(steps, chunk.steps, 0);
    if (ChunkCodec.decodeLongs(wallTimes, chunk.wallTimes, 0) != n
        || ChunkCodec.decodeValues(values, chunk.values, 0) != n) {
      throw new IllegalStateException(
          "Chunk " + chunkNo + " of " + runId + "/" + tag + " has arrays of different lengths");
    }
    for (int i = 0; i < n; i++) {
      chunk.track(chunk.values[i]);
    }
    chunk.count = n;
    return chunk;
  }

  /** Appends a point; the caller checks that the step is greater than the last one. */
  public void append(long step, long wallTime, double value) {
    if (count == CAPACITY) {
      throw new IllegalStateException("chunk is full");
    }
    ensureCapacity(count + 1);
    steps[count] = step;
    wallTimes[count] = wallTime;
    values[count] = value;
    count++;
    track(value);
    dirty = true;
  }

  private void track(double value) {
    if (Double.isNaN(value)) {
      return;
    }
    if (Double.isNaN(min) || value < min) {
      min = value;
    }
    if (Double.isNaN(max) || value > max) {
      max = value;
    }
  }

  private void ensureCapacity(int needed) {
    if (needed > steps.length) {
      int size = Math.min(CAPACITY, Math.max(needed, steps.length * 2));
      steps = Arrays.copyOf(steps, size);
      wallTimes = Arrays.copyOf(wallTimes, size);
      values = Arrays.copyOf(values, size);
    }
  }

  public String runId() {
    return runId;
  }

  public String tag() {
    return tag;
  }

  public int chunkNo() {
    return chunkNo;
  }

  public int count() {
    return count;
  }

  public boolean isFull() {
    return count == CAPACITY;
  }

  public boolean isDirty() {
    return dirty;
  }

  public void markClean() {
    dirty = false;
  }

  public long firstStep() {
    return steps[0];
  }

  public long lastStep() {
    return steps[count - 1];
  }

  public double min() {
    return min;
  }

  public double max() {
    return max;
  }

  public double lastValue() {
    return values[count - 1];
  }

  public byte[] encodeSteps() {
    return ChunkCodec.encodeSteps(steps, count);
  }

  public byte[] encodeWallTimes() {
    return ChunkCodec.encodeWallTimes(wallTimes, count);
  }

  public byte[] encodeValues() {
    return ChunkCodec.encodeValues(values, count);
  }
}
