package dev.cairn.core.training;

import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.media.Histogram;
import dev.cairn.core.tracking.media.MediaRecord;
import dev.cairn.core.tracking.media.Png;
import dev.cairn.spi.MetricLogger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link MetricLogger} of one run: checks its input on the caller's thread (so a bad image
 * fails the call, not the run) and hands everything to the run's {@link MetricSink}, which batches
 * it to the store without waiting. Safe to call from several threads.
 */
public final class RunMetricLogger implements MetricLogger {
  private static final int MAX_TAG_LENGTH = 255;
  private static final int MAX_TEXT_LENGTH = 1 << 20;

  private final String runId;
  private final MetricSink sink;

  public RunMetricLogger(String runId, MetricSink sink) {
    this.runId = Objects.requireNonNull(runId, "runId");
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  public String runId() {
    return runId;
  }

  @Override
  public synchronized void logScalar(String tag, double value, long step) {
    sink.accept(new ScalarPoint(runId, checkTag(tag), step, System.currentTimeMillis(), value));
  }

  @Override
  public synchronized void logParams(Map<String, ?> params) {
    Map<String, String> strings = new LinkedHashMap<>();
    params.forEach(
        (k, v) -> {
          if (k == null || k.isBlank() || k.length() > 255) {
            throw new IllegalArgumentException("param name '" + k + "' must be 1..255 characters");
          }
          strings.put(k, String.valueOf(v));
        });
    sink.acceptParams(runId, strings);
  }

  @Override
  public synchronized void logImage(String tag, byte[] png, String caption, long step) {
    checkTag(tag);
    Png.Size size = Png.check(tag, png);
    sink.acceptMedia(
        new MediaRecord.Image(
            runId,
            tag,
            step,
            System.currentTimeMillis(),
            size.width(),
            size.height(),
            caption,
            png.clone()));
  }

  @Override
  public synchronized void logHistogram(String tag, float[] values, long step) {
    checkTag(tag);
    Objects.requireNonNull(values, "values");
    logHistogram(tag, Histogram.of(values, Histogram.DEFAULT_BUCKETS), step);
  }

  /** A histogram already bucketed. */
  public synchronized void logHistogram(String tag, Histogram histogram, long step) {
    sink.acceptMedia(
        new MediaRecord.HistogramAt(
            runId, checkTag(tag), step, System.currentTimeMillis(), histogram));
  }

  @Override
  public synchronized void logText(String tag, String text, long step) {
    checkTag(tag);
    if (text == null || text.length() > MAX_TEXT_LENGTH) {
      throw new IllegalArgumentException(
          "text '" + tag + "' must be non-null and at most " + MAX_TEXT_LENGTH + " characters");
    }
    sink.acceptMedia(new MediaRecord.Text(runId, tag, step, System.currentTimeMillis(), text));
  }

  /** The model graph (JSON from {@link ModelGraph}); stored once per run. */
  public synchronized void logGraph(String json) {
    sink.acceptMedia(new MediaRecord.Graph(runId, json));
  }

  private static String checkTag(String tag) {
    if (tag == null || tag.isBlank() || tag.length() > MAX_TAG_LENGTH) {
      throw new IllegalArgumentException("tag '" + tag + "' must be 1..255 characters");
    }
    return tag;
  }
}
