package dev.cairn.server.bus;

import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.tracking.TrackingStore;
import dev.cairn.server.json.JsonMapping;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the tracking store. Deployed as a worker verticle: its handlers run one at a
 * time on a worker thread, never on an event loop. Points are appended to open chunks as they
 * arrive and made durable every {@link #FLUSH_MILLIS} ms, so a kill -9 loses at most that much.
 */
public final class StoreWriterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(StoreWriterVerticle.class);
  public static final long FLUSH_MILLIS = 500;

  private final TrackingStore store;
  private final Set<String> dirtyRuns = new LinkedHashSet<>();
  private final List<Message<MetricBatch>> awaitingDurable = new ArrayList<>();
  private long timer = -1;

  public StoreWriterVerticle(TrackingStore store) {
    this.store = store;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    bus.<MetricBatch>consumer(
        Addresses.METRICS,
        msg -> {
          try {
            write(msg.body());
          } catch (RuntimeException e) {
            LOG.error("could not store {} points", msg.body().size(), e);
          }
        });
    bus.<MetricBatch>consumer(
        Addresses.METRICS_DURABLE,
        msg -> {
          try {
            write(msg.body());
          } catch (IllegalArgumentException e) {
            msg.fail(400, e.getMessage());
            return;
          } catch (RuntimeException e) {
            LOG.error("could not store {} points", msg.body().size(), e);
            msg.fail(500, e.toString());
            return;
          }
          awaitingDurable.add(msg);
          if (awaitingDurable.size() == 1) {
            // group commit: batches already queued on this context are stored first, then one
            // flush (commit + CHECKPOINT) makes them all durable and each is answered
            vertx.getOrCreateContext().runOnContext(v -> flushAndAnswer());
          }
        });
    bus.<JsonObject>consumer(
        Addresses.CREATE_RUN,
        msg -> {
          try {
            msg.reply(JsonMapping.toJson(store.createRun(JsonMapping.newRun(msg.body()))));
          } catch (RuntimeException e) {
            msg.fail(500, e.toString());
          }
        });
    bus.<JsonObject>consumer(
        Addresses.RUN_STATE,
        msg -> {
          try {
            JsonObject body = msg.body();
            String runId = body.getString("runId");
            RunStatus status = RunStatus.valueOf(body.getString("status"));
            if (status == RunStatus.RUNNING) {
              if (body.getBoolean("reopen", false)) {
                store.reopen(runId);
              }
              store.markRunning(runId, body.getString("device"));
            } else {
              store.markEnded(runId, status, body.getString("message"));
              dirtyRuns.remove(runId);
              bus.publish(
                  Addresses.FLUSHED, new JsonObject().put("runIds", new JsonArray().add(runId)));
            }
            msg.reply(true);
          } catch (RuntimeException e) {
            msg.fail(500, e.toString());
          }
        });
    timer = vertx.setPeriodic(FLUSH_MILLIS, id -> flush());
    return Future.succeededFuture();
  }

  private void write(MetricBatch batch) {
    store.writeScalars(batch.points());
    batch.points().forEach(p -> dirtyRuns.add(p.runId()));
    store.writeScalarSeries(batch.series());
    batch.series().forEach(s -> dirtyRuns.add(s.runId()));
  }

  /** Flushes, then answers every durable batch stored since the last such flush. */
  private void flushAndAnswer() {
    List<Message<MetricBatch>> waiting = new ArrayList<>(awaitingDurable);
    awaitingDurable.clear();
    flush();
    for (Message<MetricBatch> msg : waiting) {
      if (dirtyRuns.isEmpty()) {
        msg.reply(true);
      } else {
        msg.fail(503, "points not yet durable; retry the batch");
      }
    }
  }

  private void flush() {
    if (dirtyRuns.isEmpty()) {
      return;
    }
    try {
      store.flush();
      JsonArray runs = new JsonArray();
      dirtyRuns.forEach(runs::add);
      dirtyRuns.clear();
      vertx.eventBus().publish(Addresses.FLUSHED, new JsonObject().put("runIds", runs));
    } catch (RuntimeException e) {
      LOG.error("flush failed; will retry", e);
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    try {
      store.flush();
    } catch (RuntimeException e) {
      LOG.error("final flush failed", e);
    }
    return Future.succeededFuture();
  }
}
