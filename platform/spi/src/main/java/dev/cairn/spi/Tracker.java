package dev.cairn.spi;

import java.util.Map;

/**
 * Logs to the current run. Calls never block training: values are queued and written in batches.
 * Obtained from the core while a run is active.
 */
public interface Tracker {

  /** One scalar value of a series, e.g. {@code logScalar("train/loss", 0.41, 120)}. */
  void logScalar(String tag, double value, long step);

  /** Several scalars at the same step. */
  default void logScalars(Map<String, ? extends Number> values, long step) {
    values.forEach((tag, v) -> logScalar(tag, v.doubleValue(), step));
  }

  /** Extra parameters of the run (strings, numbers, booleans). */
  void logParams(Map<String, ?> params);
}
