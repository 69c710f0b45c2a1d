package dev.cairn.server.bus;

import dev.cairn.core.tracking.TrackingStore;
import dev.cairn.core.tracking.media.MediaRecord;
import dev.cairn.core.tracking.media.MediaStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes images, histograms, text, graphs and late params. A worker verticle: it gathers what
 * arrives and writes it in one transaction every {@link #FLUSH_MILLIS} ms (or sooner when much has
 * gathered), then publishes {@link Addresses#FLUSHED} so that open dashboards refresh.
 */
public final class MediaWriterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MediaWriterVerticle.class);

  /** {@link MediaBatch} messages (send, no reply). */
  public static final String ADDRESS = "cairn.store.media";

  /** {@link MediaBatch} messages from the tracking API: written at once, replied to when stored. */
  public static final String ADDRESS_DURABLE = "cairn.store.media-durable";

  static final long FLUSH_MILLIS = 250;
  static final long MAX_PENDING_BYTES = 16L << 20;

  private final MediaStore media;
  private final TrackingStore store;
  private final List<MediaRecord> pending = new ArrayList<>();
  private final Set<String> dirtyRuns = new LinkedHashSet<>();
  private long pendingBytes;
  private long timer = -1;

  public MediaWriterVerticle(MediaStore media, TrackingStore store) {
    this.media = media;
    this.store = store;
  }

  @Override
  public Future<?> start() {
    vertx
        .eventBus()
        .<MediaBatch>consumer(
            ADDRESS,
            msg -> {
              MediaBatch batch = msg.body();
              if (batch.paramsRunId() != null && !batch.params().isEmpty()) {
                try {
                  store.logParams(batch.paramsRunId(), batch.params());
                } catch (RuntimeException e) {
                  LOG.warn("params of run {} not stored: {}", batch.paramsRunId(), e.getMessage());
                }
              }
              for (MediaRecord r : batch.records()) {
                pending.add(r);
                dirtyRuns.add(r.runId());
                if (r instanceof MediaRecord.Image i) {
                  pendingBytes += i.png().length;
                }
              }
              if (pendingBytes > MAX_PENDING_BYTES) {
                flush();
              }
            });
    vertx
        .eventBus()
        .<MediaBatch>consumer(
            ADDRESS_DURABLE,
            msg -> {
              MediaBatch batch = msg.body();
              try {
                flush(); // what came earlier lands first, so a later record of the same step wins
                if (batch.paramsRunId() != null && !batch.params().isEmpty()) {
                  store.logParams(batch.paramsRunId(), batch.params());
                }
                media.writeDurably(batch.records());
                JsonArray runs = new JsonArray();
                batch.records().stream().map(MediaRecord::runId).distinct().forEach(runs::add);
                if (batch.paramsRunId() != null) {
                  runs.add(batch.paramsRunId());
                }
                vertx
                    .eventBus()
                    .publish(
                        Addresses.FLUSHED, new JsonObject().put("runIds", runs).put("media", true));
                msg.reply(true);
              } catch (IllegalArgumentException e) {
                msg.fail(400, e.getMessage());
              } catch (RuntimeException e) {
                LOG.error("{} media records could not be stored", batch.records().size(), e);
                msg.fail(500, e.toString());
              }
            });
    timer = vertx.setPeriodic(FLUSH_MILLIS, id -> flush());
    return Future.succeededFuture();
  }

  private void flush() {
    if (pending.isEmpty()) {
      return;
    }
    try {
      media.write(List.copyOf(pending));
    } catch (RuntimeException e) {
      LOG.error("{} media records could not be stored", pending.size(), e);
    }
    pending.clear();
    pendingBytes = 0;
    JsonArray runs = new JsonArray();
    dirtyRuns.forEach(runs::add);
    dirtyRuns.clear();
    vertx
        .eventBus()
        .publish(Addresses.FLUSHED, new JsonObject().put("runIds", runs).put("media", true));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    flush();
    return Future.succeededFuture();
  }
}
