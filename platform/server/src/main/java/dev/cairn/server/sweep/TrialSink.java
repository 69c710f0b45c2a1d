package dev.cairn.server.sweep;

import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.media.MediaRecord;
import dev.cairn.core.training.MetricSink;
import dev.cairn.server.bus.MediaBatch;
import dev.cairn.server.bus.MediaWriterVerticle;
import dev.cairn.server.bus.MetricBatch;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trial's sink: scalars go in batches (1024 points or 250 ms, like the run sink) to the sweep
 * controller, which checks they belong to the trial's current attempt, feeds its pruner and
 * forwards them to the store writer. Media and late params go straight to the media writer, in this
 * JVM or (from a cluster worker) the head's over the wire; they are keyed by run, tag and step, so
 * a retried attempt's media replace the lost one's. Used by one training thread.
 */
final class TrialSink implements MetricSink {
  static final int MAX_POINTS = 1024;
  static final long MAX_DELAY_MILLIS = 250;

  private final EventBus bus;
  private final DeliveryOptions headers;
  private List<ScalarPoint> pending = new ArrayList<>();
  private long lastSend = System.currentTimeMillis();

  TrialSink(EventBus bus, String runId, int attempt) {
    this.bus = bus;
    this.headers =
        new DeliveryOptions()
            .addHeader("runId", runId)
            .addHeader("attempt", Integer.toString(attempt));
  }

  @Override
  public void accept(ScalarPoint point) {
    pending.add(point);
    if (pending.size() >= MAX_POINTS || System.currentTimeMillis() - lastSend >= MAX_DELAY_MILLIS) {
      flush();
    }
  }

  @Override
  public void flush() {
    lastSend = System.currentTimeMillis();
    if (pending.isEmpty()) {
      return;
    }
    bus.send(SweepAddresses.TRIAL_METRICS, new MetricBatch(pending), headers);
    pending = new ArrayList<>();
  }

  @Override
  public void acceptMedia(MediaRecord record) {
    bus.send(MediaWriterVerticle.ADDRESS, new MediaBatch(List.of(record), null, null));
  }

  @Override
  public void acceptParams(String runId, Map<String, String> params) {
    bus.send(MediaWriterVerticle.ADDRESS, new MediaBatch(List.of(), runId, params));
  }
}
