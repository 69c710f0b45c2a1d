package dev.cairn.core.tracking.internal;

import java.util.Arrays;

/**
 * Min/max downsampling that never hides a spike: the step range is cut into equal buckets and each
 * bucket keeps its lowest and its highest point, in step order; the last point is always kept. A
 * NaN counts as the highest value of its bucket, so a diverging loss stays visible.
 *
 * <p>Points are fed chunk by chunk in step order, so a long series is never held whole in memory.
 * At most {@code max(3, maxPoints)} points come out.
 */
public final class Downsampler {
  private final int buckets;
  private final double firstStep;
  private final double scale;
  private long[] steps;
  private long[] wallTimes;
  private double[] values;
  private int kept;
  private int bucket = -1;
  private long minStep;
  private long minWallTime;
  private double minValue;
  private long maxStep;
  private long maxWallTime;
  private double maxValue;
  private long lastStep;
  private long lastWallTime;
  private double lastValue;

  /** For a series whose steps run from {@code firstStep} to {@code lastStep}. */
  public Downsampler(long firstStep, long lastStep, int maxPoints) {
    this.buckets = Math.max(1, (maxPoints - 1) / 2);
    this.firstStep = firstStep;
    this.scale = buckets / ((double) lastStep - firstStep + 1);
    int capacity = 2 * buckets + 1;
    this.steps = new long[capacity];
    this.wallTimes = new long[capacity];
    this.values = new double[capacity];
  }

  /** Feeds the next {@code count} points, in step order after every point fed before. */
  public void add(long[] pointSteps, long[] pointWallTimes, double[] pointValues, int count) {
    for (int i = 0; i < count; i++) {
      long step = pointSteps[i];
      double value = pointValues[i];
      int b = Math.min(buckets - 1, (int) ((step - firstStep) * scale));
      if (b != bucket) {
        if (bucket >= 0) {
          emitBucket();
        }
        bucket = b;
        minStep = step;
        minWallTime = pointWallTimes[i];
        minValue = value;
        maxStep = step;
        maxWallTime = pointWallTimes[i];
        maxValue = value;
      } else {
        // Double.compare orders NaN above +Infinity: min skips it, max shows it
        if (Double.compare(value, minValue) < 0) {
          minStep = step;
          minWallTime = pointWallTimes[i];
          minValue = value;
        }
        if (Double.compare(value, maxValue) > 0) {
          maxStep = step;
          maxWallTime = pointWallTimes[i];
          maxValue = value;
        }
      }
    }
    if (count > 0) {
      lastStep = pointSteps[count - 1];
      lastWallTime = pointWallTimes[count - 1];
      lastValue = pointValues[count - 1];
    }
  }

  private void emitBucket() {
    if (minStep == maxStep) {
      keep(minStep, minWallTime, minValue);
    } else if (minStep < maxStep) {
      keep(minStep, minWallTime, minValue);
      keep(maxStep, maxWallTime, maxValue);
    } else {
      keep(maxStep, maxWallTime, maxValue);
      keep(minStep, minWallTime, minValue);
    }
  }

  private void keep(long step, long wallTime, double value) {
    steps[kept] = step;
    wallTimes[kept] = wallTime;
    values[kept] = value;
    kept++;
  }

  /** Closes the last bucket and adds the last point; call once, after every point was fed. */
  public void finish() {
    if (bucket < 0) {
      return;
    }
    emitBucket();
    if (steps[kept - 1] != lastStep) {
      keep(lastStep, lastWallTime, lastValue);
    }
    steps = Arrays.copyOf(steps, kept);
    wallTimes = Arrays.copyOf(wallTimes, kept);
    values = Arrays.copyOf(values, kept);
  }

  public long[] steps() {
    return steps;
  }

  public long[] wallTimes() {
    return wallTimes;
  }

  public double[] values() {
    return values;
  }
}
