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
