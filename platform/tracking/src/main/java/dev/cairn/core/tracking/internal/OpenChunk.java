package dev.cairn.core.tracking.internal;

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
  private final ChunkCodec.LongEncoder steps = ChunkCodec.LongEncoder.forSteps();
  private final ChunkCodec.LongEncoder wallTimes = ChunkCodec.LongEncoder.forWallTimes();
  private final ChunkCodec.DoubleEncoder values = new ChunkCodec.DoubleEncoder();
  private int count;
  private long firstStep;
  private long lastStep;
  private double lastValue;
  private double min = Double.NaN;
  private double max = Double.NaN;
  private boolean dirty;

  public OpenChunk(String runId, String tag, int chunkNo) {
    this.runId = runId;
    this.tag = tag;
    this.chunkNo = chunkNo;
  }

  /** Rebuilds an unsealed chunk from its stored row, so that the next flush rewrites it whole. */
  public static OpenChunk restore(
      String runId, String tag, int chunkNo, byte[] steps, byte[] wallTimes, byte[] values) {
    long[] storedSteps = new long[CAPACITY];
    long[] storedWallTimes = new long[CAPACITY];
    double[] storedValues = new double[CAPACITY];
    int n = ChunkCodec.decodeLongs(steps, storedSteps, 0);
    if (ChunkCodec.decodeLongs(wallTimes, storedWallTimes, 0) != n
        || ChunkCodec.decodeValues(values, storedValues, 0) != n) {
      throw new IllegalStateException(
          "Chunk " + chunkNo + " of " + runId + "/" + tag + " has arrays of different lengths");
    }
    OpenChunk chunk = new OpenChunk(runId, tag, chunkNo);
    for (int i = 0; i < n; i++) {
      chunk.append(storedSteps[i], storedWallTimes[i], storedValues[i]);
    }
    chunk.dirty = false;
    return chunk;
  }

  /** Appends a point; the caller checks that the step is greater than the last one. */
  public void append(long step, long wallTime, double value) {
    if (count == CAPACITY) {
      throw new IllegalStateException("chunk is full");
    }
    steps.add(step);
    wallTimes.add(wallTime);
    values.add(value);
    if (count == 0) {
      firstStep = step;
    }
    count++;
    lastStep = step;
    lastValue = value;
    if (!Double.isNaN(value)) {
      if (Double.isNaN(min) || value < min) {
        min = value;
      }
      if (Double.isNaN(max) || value > max) {
        max = value;
      }
    }
    dirty = true;
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
    return firstStep;
  }

  public long lastStep() {
    return lastStep;
  }

  public double min() {
    return min;
  }

  public double max() {
    return max;
  }

  public double lastValue() {
    return lastValue;
  }

  public byte[] encodeSteps() {
    return steps.toBlob();
  }

  public byte[] encodeWallTimes() {
    return wallTimes.toBlob();
  }

  public byte[] encodeValues() {
    return values.toBlob();
  }
}
