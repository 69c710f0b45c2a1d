package dev.cairn.core.training;

import dev.cairn.core.tracking.ScalarPoint;

/** Where training sends its scalars. Implementations batch and must not block for long. */
public interface MetricSink {
  void accept(ScalarPoint point);

  /** Hands over whatever is pending (end of epoch, end of run). */
  default void flush() {}
}
