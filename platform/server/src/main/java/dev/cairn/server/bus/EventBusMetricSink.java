package dev.cairn.server.bus;

import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.training.MetricSink;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects a training's points and sends them to the store writer in batches: when {@link
 * #MAX_POINTS} have gathered, when {@link #MAX_DELAY_MILLIS} have passed since the last send, or on
 * {@link #flush}. Sending is asynchronous, so the training thread never waits on storage. Used by
 * one training thread.
 */
public final class EventBusMetricSink implements MetricSink {
  static final int MAX_POINTS = 1024;
  static final long MAX_DELAY_MILLIS = 250;

  private final EventBus bus;
  private List<ScalarPoint> pending = new ArrayList<>();
  private long lastSend = System.currentTimeMillis();

  public EventBusMetricSink(EventBus bus) {
    this.bus = bus;
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
    bus.send(Addresses.METRICS, new MetricBatch(pending));
    pending = new ArrayList<>();
  }
}
