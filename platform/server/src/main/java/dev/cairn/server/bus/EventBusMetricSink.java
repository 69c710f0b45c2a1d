package dev.cairn.server.bus;

import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.media.MediaRecord;
import dev.cairn.core.training.MetricSink;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@link MetricSink} of a training in the server: scalars are collected and sent over the event
 * bus in batches, when {@link #MAX_POINTS} have gathered, when {@link #MAX_DELAY_MILLIS} have
 * passed since the last send, or on {@link #flush}; media and late params go to the {@link
 * MediaWriterVerticle} one by one. Sending is asynchronous, so the training thread never waits on
 * storage. Used by one training thread.
 *
 * <p>A run's scalars go to the store writer ({@link Addresses#METRICS}); a sweep trial's go to the
 * sweep controller with the trial's headers ({@link #to}), which checks them and forwards them to
 * the store writer.
 */
public final class EventBusMetricSink implements MetricSink {
  static final int MAX_POINTS = 1024;
  static final long MAX_DELAY_MILLIS = 250;

  private final EventBus bus;
  private final String address;
  private final DeliveryOptions headers;
  private List<ScalarPoint> pending = new ArrayList<>();
  private long lastSend = System.currentTimeMillis();

  /** Scalars to the store writer. */
  public EventBusMetricSink(EventBus bus) {
    this(bus, Addresses.METRICS, new DeliveryOptions());
  }

  private EventBusMetricSink(EventBus bus, String address, DeliveryOptions headers) {
    this.bus = bus;
    this.address = address;
    this.headers = headers;
  }

  /** Scalars to {@code address}, each batch sent with {@code headers}. */
  public static EventBusMetricSink to(EventBus bus, String address, DeliveryOptions headers) {
    return new EventBusMetricSink(bus, address, headers);
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
    bus.send(address, new MetricBatch(pending), headers);
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
