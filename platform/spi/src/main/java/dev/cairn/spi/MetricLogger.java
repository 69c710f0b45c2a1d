package dev.cairn.spi;

import java.util.Map;

/**
 * Logs to the current run. Calls never block training: values are queued and written in batches.
 * Obtained from the core while a run is active.
 *
 * <p>Tags are 1 to 255 characters; a slash groups them in the dashboard ({@code train/loss}). Bad
 * input (a blank tag, an image that is not a PNG or is too large) throws {@link
 * IllegalArgumentException} naming the problem; nothing is queued and the run goes on.
 */
public interface MetricLogger {

  /** One scalar value of a series, e.g. {@code logScalar("train/loss", 0.41, 120)}. */
  void logScalar(String tag, double value, long step);

  /** Several scalars at the same step. */
  default void logScalars(Map<String, ? extends Number> values, long step) {
    values.forEach((tag, v) -> logScalar(tag, v.doubleValue(), step));
  }

  /** Extra parameters of the run (strings, numbers, booleans). */
  void logParams(Map<String, ?> params);

  /**
   * A PNG image at a step (one per tag and step; a later one replaces it). At most 4 MiB and 8192
   * pixels a side.
   *
   * @param caption shown under the image in the dashboard; may be null
   */
  default void logImage(String tag, byte[] png, String caption, long step) {
    throw new UnsupportedOperationException("this logger does not record images");
  }

  /** A PNG image at a step, without caption. */
  default void logImage(String tag, byte[] png, long step) {
    logImage(tag, png, null, step);
  }

  /**
   * A histogram of values at a step, bucketed like TensorBoard (30 equal-width buckets between the
   * minimum and maximum, with count, sum and sum of squares). The values are copied.
   */
  default void logHistogram(String tag, float[] values, long step) {
    throw new UnsupportedOperationException("this logger does not record histograms");
  }

  /** Free text at a step: notes, sample predictions, a table. */
  default void logText(String tag, String text, long step) {
    throw new UnsupportedOperationException("this logger does not record text");
  }
}
