package dev.cairn.core.tracking.internal;

import java.util.Arrays;

/**
 * Min/max downsampling that never hides a spike: the step range is cut into equal buckets and each
 * bucket keeps its lowest and its highest point, in step order; the last point is always kept. A
 * NaN counts as the highest value of its bucket, so a diverging loss stays visible.
 */
public final class Downsampler {
  private Downsampler() {}

  /**
   * Indices of the points to keep, ascending, at most {@code max(3, maxPoints)} of them.
   *
   * @param steps strictly increasing steps; only the first {@code n} are read
   */
  public static int[] select(long[] steps, double[] values, int n, int maxPoints) {
    if (n == 0) {
      return new int[0];
    }
    int buckets = Math.max(1, (maxPoints - 1) / 2);
    double first = steps[0];
    double scale = buckets / ((double) steps[n - 1] - first + 1);
    int[] keep = new int[2 * buckets + 1];
    int kept = 0;
    int bucket = 0;
    int minAt = 0;
    int maxAt = 0;
    for (int i = 1; i < n; i++) {
      int b = Math.min(buckets - 1, (int) ((steps[i] - first) * scale));
      if (b != bucket) {
        kept = emit(keep, kept, minAt, maxAt);
        bucket = b;
        minAt = i;
        maxAt = i;
      } else {
        double v = values[i];
        // Double.compare orders NaN above +Infinity: min skips it, max shows it
        if (Double.compare(v, values[minAt]) < 0) {
          minAt = i;
        }
        if (Double.compare(v, values[maxAt]) > 0) {
          maxAt = i;
        }
      }
    }
    kept = emit(keep, kept, minAt, maxAt);
    if (keep[kept - 1] != n - 1) {
      keep[kept++] = n - 1;
    }
    return Arrays.copyOf(keep, kept);
  }

  private static int emit(int[] keep, int kept, int minAt, int maxAt) {
    keep[kept++] = Math.min(minAt, maxAt);
    if (minAt != maxAt) {
      keep[kept++] = Math.max(minAt, maxAt);
    }
    return kept;
  }
}
