package dev.cairn.core.training;

import dev.cairn.core.system.SystemMetrics;
import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.media.MediaRecord;
import java.util.Map;

/**
 * A run's {@code system/*} series: {@link SystemMetrics} on its daemon thread, feeding the run's
 * sink through a lock it shares with the training thread (sinks are single-threaded).
 */
final class SystemMetricsLogging {
  private SystemMetricsLogging() {}

  /** A sink whose every call holds one lock, so that two threads may feed it. */
  static final class LockedMetricSink implements MetricSink {
    private final MetricSink delegate;

    LockedMetricSink(MetricSink delegate) {
      this.delegate = delegate;
    }

    @Override
    public synchronized void accept(ScalarPoint point) {
      delegate.accept(point);
    }

    @Override
    public synchronized void flush() {
      delegate.flush();
    }

    @Override
    public synchronized void acceptMedia(MediaRecord record) {
      delegate.acceptMedia(record);
    }

    @Override
    public synchronized void acceptParams(String runId, Map<String, String> params) {
      delegate.acceptParams(runId, params);
    }
  }

  /** Starts sampling into {@code sink} for {@code runId}; null when {@code everySeconds} is 0. */
  static SystemMetrics start(int everySeconds, String runId, LockedMetricSink sink) {
    if (everySeconds <= 0) {
      return null;
    }
    return SystemMetrics.start(
        everySeconds,
        (step, wall, values) -> {
          synchronized (sink) {
            values.forEach((tag, v) -> sink.accept(new ScalarPoint(runId, tag, step, wall, v)));
          }
        });
  }
}
