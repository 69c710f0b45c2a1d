package dev.cairn.core.tracking.media;

/**
 * TensorBoard's scalar smoothing: an exponential moving average with debiasing, so that the first
 * points are not pulled towards zero. Applied to a full-resolution series, it gives the same value
 * at a step whatever the chart later keeps of the series (zoom, downsampling). The dashboard's
 * TypeScript copy ({@code tracker-ui/src/smoothing.ts}) is tested against the same vectors.
 */
public final class Smoothing {
  /** TensorBoard's default weight. */
  public static final double DEFAULT_WEIGHT = 0.6;

  private Smoothing() {}

  /**
   * Smoothed copy of {@code values}. Weight 0 returns the values unchanged; NaN and infinite values
   * pass through without entering the average; a constant series stays constant.
   *
   * @param weight in [0, 1)
   */
  public static double[] debiasedEma(double[] values, double weight) {
    if (!(weight >= 0 && weight < 1)) {
      throw new IllegalArgumentException("smoothing weight must be in [0, 1), got " + weight);
    }
    double[] out = new double[values.length];
    boolean constant = true;
    for (double v : values) {
      if (Double.compare(v, values[0]) != 0) {
        constant = false;
        break;
      }
    }
    double last = 0;
    // weight^k for the k values averaged so far, kept as a running product (no Math.pow per point)
    double power = 1;
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (constant || weight == 0 || !Double.isFinite(v)) {
        out[i] = v;
        continue;
      }
      last = last * weight + (1 - weight) * v;
      power *= weight;
      out[i] = last / (1 - power);
    }
    return out;
  }
}
