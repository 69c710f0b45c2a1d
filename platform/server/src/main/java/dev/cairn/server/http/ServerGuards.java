package dev.cairn.server.http;

import dev.cairn.core.spec.SpecPaths;
import dev.cairn.server.Platform;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What keeps hostile clients from taking a server down: specs read only under the data roots, idle
 * connections close, connections that do not send a request head in time close (slow loris), and
 * connections beyond the cap close at once.
 */
final class ServerGuards {
  private ServerGuards() {}

  /**
   * Specs submitted to this server (runs and sweeps) may read only under the data directory and
   * {@code limits}' roots.
   */
  static void restrictSpecPaths(Platform platform, ServerLimits limits) {
    List<Path> roots = new ArrayList<>();
    roots.add(platform.options().dataDir());
    roots.addAll(limits.dataRoots());
    platform
        .specResolver()
        .restrictPaths(
            new SpecPaths(
                roots,
                "the operator adds folders with `cairn serve --data-root DIR` or CAIRN_DATA_ROOTS"));
  }

  /**
   * Refuses a run before anything is stored when it asks for more than the server allows: 400
   * beyond {@code --max-epochs}, {@code --max-parameters} or {@code --max-model-memory} (estimated
   * from the spec, see {@link ModelEstimate}), 429 when {@code --max-queued-runs} runs are already
   * queued or training here. Each message names the limit and the option that raises it.
   */
  static void checkRunLimits(
      Platform platform, ServerLimits limits, dev.cairn.core.spec.ResolvedSpec resolved) {
    int epochs = resolved.spec().epochs();
    if (epochs > limits.maxEpochs()) {
      throw new ApiException(
          400,
          "limit_exceeded",
          "epochs: "
              + epochs
              + " is more than this server allows ("
              + limits.maxEpochs()
              + "); the operator raises it with `cairn serve --max-epochs N`");
    }
    ModelEstimate estimate = ModelEstimate.of(resolved);
    if (estimate.parameters() > limits.maxParameters()) {
      throw new ApiException(
          400,
          "limit_exceeded",
          "model: at least "
              + ModelEstimate.count(estimate.parameters())
              + " parameters (estimated from the spec's layer sizes) is more than this server allows ("
              + ModelEstimate.count(limits.maxParameters())
              + "); use smaller layers, or the operator raises it with"
              + " `cairn serve --max-parameters N`");
    }
    if (estimate.memoryBytes() > limits.maxModelMemoryBytes()) {
      throw new ApiException(
          400,
          "limit_exceeded",
          "model: training needs at least "
              + ModelEstimate.bytes(estimate.memoryBytes())
              + " (estimated from the layer sizes and dataset.batchSize "
              + resolved.spec().loader().batchSize()
              + ") and this server allows "
              + ModelEstimate.bytes(limits.maxModelMemoryBytes())
              + "; use smaller layers or batches, or the operator raises it with"
              + " `cairn serve --max-model-memory BYTES`");
    }
    int active = platform.runs().activeRuns().size();
    if (active >= limits.maxQueuedRuns()) {
      throw new ApiException(
          429,
          "too_many_runs",
          active
              + " runs are already queued or training in this server"
              + " (limit "
              + limits.maxQueuedRuns()
              + "); retry when one ends, or the operator raises it with"
              + " `cairn serve --max-queued-runs N`");
    }
  }

  /**
   * An HTTP server with the idle timeout, the request-head timeout and the connection cap of {@code
   * limits}.
   */
  static HttpServer createServer(
      Vertx vertx, ServerLimits limits, Handler<HttpServerRequest> handler) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setIdleTimeout(limits.idleTimeoutSeconds())
            .setIdleTimeoutUnit(TimeUnit.SECONDS)
            // without h2c detection the HTTP/1 connection (and its handler below) exists from the
            // first byte
            .setHttp2ClearTextEnabled(false);
    AtomicInteger open = new AtomicInteger();
    // per connection: the timer that closes it unless a request head arrives first
    Map<HttpConnection, Long> waiting = new ConcurrentHashMap<>();
    long timeoutMs = limits.requestTimeoutSeconds() * 1000L;
    HttpServer server = vertx.createHttpServer(options);
    server.connectionHandler(
        conn -> {
          if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            conn.close();
            return;
          }
          waiting.put(conn, vertx.setTimer(timeoutMs, id -> expire(waiting, conn)));
          conn.closeHandler(
              v -> {
                open.decrementAndGet();
                Long timer = waiting.remove(conn);
                if (timer != null) {
                  vertx.cancelTimer(timer);
                }
              });
        });
    server.requestHandler(
        req -> {
          HttpConnection conn = req.connection();
          Long timer = waiting.remove(conn);
          if (timer != null) {
            vertx.cancelTimer(timer);
          }
          // keep-alive: the next request head is due within the timeout after this response
          req.response()
              .endHandler(
                  v -> {
                    if (!waiting.containsKey(conn)) {
                      waiting.put(conn, vertx.setTimer(timeoutMs, id -> expire(waiting, conn)));
                    }
                  });
          handler.handle(req);
        });
    return server;
  }

  /** The request head did not come in time: close, and forget the connection either way. */
  private static void expire(Map<HttpConnection, Long> waiting, HttpConnection conn) {
    waiting.remove(conn);
    conn.close();
  }
}
