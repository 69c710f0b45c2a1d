package dev.cairn.core.training;

import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.media.MediaRecord;
import java.util.Map;

/** Where training sends its scalars. Implementations batch and must not block for long. */
public interface MetricSink {
  void accept(ScalarPoint point);

  /** Hands over whatever is pending (end of epoch, end of run). */
  default void flush() {}

  /**
   * An image, histogram, text or graph for the dashboard. Sinks that keep only scalars (console,
   * benchmarks) drop it.
   */
  default void acceptMedia(MediaRecord record) {}

  /** Extra params logged while the run trains. Sinks that keep only scalars drop them. */
  default void acceptParams(String runId, Map<String, String> params) {}
}
