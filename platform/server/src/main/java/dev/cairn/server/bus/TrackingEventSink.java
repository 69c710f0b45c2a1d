package dev.cairn.server.bus;

import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.media.MediaRecord;
import dev.cairn.core.training.MetricSink;
import io.vertx.core.eventbus.EventBus;
import java.util.List;
import java.util.Map;

/**
 * A training's sink for everything it tracks: scalars go through an {@link EventBusMetricSink} to
 * the store writer, media and late params to the {@link MediaWriterVerticle}. Nothing waits.
 */
public final class TrackingEventSink implements MetricSink {
  private final EventBus bus;
  private final EventBusMetricSink scalars;

  public TrackingEventSink(EventBus bus) {
    this.bus = bus;
    this.scalars = new EventBusMetricSink(bus);
  }

  @Override
  public void accept(ScalarPoint point) {
    scalars.accept(point);
  }

  @Override
  public void flush() {
    scalars.flush();
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
