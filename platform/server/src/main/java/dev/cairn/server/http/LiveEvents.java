package dev.cairn.server.http;

import dev.cairn.server.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /api/live}: a Server-Sent Events stream that tells open dashboards which runs have new
 * data. Each store flush (about every half second while runs train, and when a run ends) becomes
 * one {@code flushed} event {@code {"runIds": [...]}}; the dashboard then refetches what it shows
 * of those runs. A comment line every 15 s keeps proxies from closing the stream. The first event,
 * {@code hello}, says how many live streams this server has open, this one included ({@code
 * {"streams": n}}): a browser gives a host six HTTP/1.1 connections, so streams that pages left
 * open would starve the dashboard's own requests.
 */
final class LiveEvents {
  static final long KEEPALIVE_MILLIS = 15_000;

  private LiveEvents() {}

  static void mount(Router router, Vertx vertx) {
    AtomicInteger open = new AtomicInteger();
    router.get("/api/live").handler(ctx -> stream(vertx, ctx, open));
  }

  private static void stream(Vertx vertx, RoutingContext ctx, AtomicInteger open) {
    HttpServerResponse response = ctx.response();
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    int streams = open.incrementAndGet();
    response.write(
        "retry: 2000\nevent: hello\ndata: "
            + new JsonObject().put("streams", streams).encode()
            + "\n\n");
    MessageConsumer<JsonObject> consumer =
        vertx
            .eventBus()
            .consumer(
                Addresses.FLUSHED,
                msg -> {
                  if (!response.closed() && !response.ended()) {
                    response.write("event: flushed\ndata: " + msg.body().encode() + "\n\n");
                  }
                });
    long timer =
        vertx.setPeriodic(
            KEEPALIVE_MILLIS,
            id -> {
              if (!response.closed() && !response.ended()) {
                response.write(": keep-alive\n\n");
              }
            });
    response.closeHandler(
        v -> {
          open.decrementAndGet();
          consumer.unregister();
          vertx.cancelTimer(timer);
        });
  }
}
