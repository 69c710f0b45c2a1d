package dev.cairn.core.tracking.media;

import java.util.Arrays;

/**
 * A histogram in TensorBoard's form: equal-width buckets between the minimum and maximum of the
 * finite values, each described by its right edge ({@code limits}) and count, plus the minimum,
 * maximum, number of values, sum and sum of squares. NaN and infinite values are left out of the
 * buckets and counted in {@code nonFinite}.
 */
public record Histogram(
    double min,
    double max,
    long count,
    double sum,
    double sumSquares,
    double[] limits,
    long[] counts,
    long nonFinite) {
  /** TensorBoard's default bucket count. */
  public static final int DEFAULT_BUCKETS = 30;

  public Histogram {
    if (limits.length != counts.length) {
      throw new IllegalArgumentException(
          "a histogram needs one limit per bucket: "
              + limits.length
              + " limits, "
              + counts.length
              + " counts");
    }
  }

  /** Buckets {@code values} into {@code buckets} equal-width buckets. */
  public static Histogram of(float[] values, int buckets) {
    double[] d = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      d[i] = values[i];
    }
    return of(d, buckets);
  }

  public static Histogram of(double[] values, int buckets) {
    if (buckets < 1 || buckets > 1000) {
      throw new IllegalArgumentException("buckets must be in 1..1000, got " + buckets);
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    double sumSquares = 0;
    long count = 0;
    long nonFinite = 0;
    for (double v : values) {
      if (!Double.isFinite(v)) {
        nonFinite++;
        continue;
      }
      count++;
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      sumSquares += v * v;
    }
    double[] limits = new double[buckets];
    long[] counts = new long[buckets];
    if (count == 0) {
      return new Histogram(0, 0, 0, 0, 0, new double[0], new long[0], nonFinite);
    }
    // a constant tensor gets a unit-wide range around its value, as TensorBoard does
    double left = min == max ? min - 0.5 : min;
    double right = min == max ? max + 0.5 : max;
    double width = (right - left) / buckets;
    for (int b = 0; b < buckets; b++) {
      limits[b] = b == buckets - 1 ? right : left + width * (b + 1);
    }
    for (double v : values) {
      if (Double.isFinite(v)) {
        int b = (int) ((v - left) / width);
        counts[Math.max(0, Math.min(buckets - 1, b))]++;
      }
    }
    return new Histogram(min, max, count, sum, sumSquares, limits, counts, nonFinite);
  }

  /** Left edge of the first bucket. */
  public double left() {
    if (limits.length == 0) {
      return min;
    }
    return min == max ? min - 0.5 : min;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Histogram h
        && h.min == min
        && h.max == max
        && h.count == count
        && h.sum == sum
        && h.sumSquares == sumSquares
        && Arrays.equals(h.limits, limits)
        && Arrays.equals(h.counts, counts)
        && h.nonFinite == nonFinite;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(limits) + Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "Histogram[count="
        + count
        + ", min="
        + min
        + ", max="
        + max
        + ", buckets="
        + counts.length
        + "]";
  }
}
