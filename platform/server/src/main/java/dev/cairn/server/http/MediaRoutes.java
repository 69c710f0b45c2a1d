package dev.cairn.server.http;

import static dev.cairn.server.http.HttpSupport.blocking;

import dev.cairn.core.tracking.media.Histogram;
import dev.cairn.core.tracking.media.MediaStore;
import dev.cairn.core.tracking.media.MediaTags;
import dev.cairn.server.Platform;
import dev.cairn.server.json.JsonMapping;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;

/** A run's images, histograms, text and model graph (see docs/api.md). */
final class MediaRoutes {
  private final Vertx vertx;
  private final Platform platform;

  private MediaRoutes(Vertx vertx, Platform platform) {
    this.vertx = vertx;
    this.platform = platform;
  }

  static void mount(Router router, Vertx vertx, Platform platform) {
    MediaRoutes routes = new MediaRoutes(vertx, platform);
    router.get("/api/runs/:id/media").handler(routes::media);
    router.get("/api/runs/:id/images").handler(routes::images);
    router.get("/api/runs/:id/images/png").handler(routes::png);
    router.get("/api/runs/:id/histograms").handler(routes::histograms);
    router.get("/api/runs/:id/texts").handler(routes::texts);
    router.get("/api/runs/:id/graph").handler(routes::graph);
  }

  private MediaStore store() {
    return platform.media();
  }

  /** A page's size: {@code limit} 1..10000, by default the most (every entry of most tags). */
  private static int limit(RoutingContext ctx) {
    return HttpSupport.intParam(ctx, "limit", MediaStore.MAX_PAGE, 1, MediaStore.MAX_PAGE);
  }

  private static int offset(RoutingContext ctx) {
    return HttpSupport.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
  }

  private void requireRun(String id) {
    if (platform.store().getRun(id).isEmpty()) {
      throw ApiException.notFound("no run with id '" + id + "'");
    }
  }

  private void media(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking(
        vertx,
        ctx,
        () -> {
          requireRun(id);
          MediaTags t = store().tags(id);
          return new JsonObject()
              .put("images", new JsonArray(new ArrayList<>(t.images())))
              .put("histograms", new JsonArray(new ArrayList<>(t.histograms())))
              .put("texts", new JsonArray(new ArrayList<>(t.texts())))
              .put("graph", t.graph());
        });
  }

  private void images(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String tag = HttpSupport.required(ctx, "tag", "?tag=samples/predictions");
    int limit = limit(ctx);
    int offset = offset(ctx);
    blocking(
        vertx,
        ctx,
        () -> {
          requireRun(id);
          JsonArray out = new JsonArray();
          for (MediaStore.ImageInfo i : store().images(id, tag, limit, offset)) {
            out.add(
                new JsonObject()
                    .put("step", i.step())
                    .put("wallTime", i.wallTime())
                    .put("width", i.width())
                    .put("height", i.height())
                    .put("caption", i.caption()));
          }
          if (out.isEmpty() && offset == 0) {
            throw ApiException.notFound("run '" + id + "' has no images '" + tag + "'");
          }
          return new JsonObject().put("runId", id).put("tag", tag).put("images", out);
        });
  }

  private void png(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String tag = HttpSupport.required(ctx, "tag", "?tag=samples/predictions&step=3");
    if (ctx.queryParams().get("step") == null) {
      throw ApiException.badRequest(
          "query parameter 'step' is required, e.g. ?tag=" + tag + "&step=1");
    }
    long step = HttpSupport.longParam(ctx, "step", 0);
    vertx
        .executeBlocking(
            () ->
                store()
                    .imagePng(id, tag, step)
                    .orElseThrow(
                        () ->
                            ApiException.notFound(
                                "run '" + id + "' has no image '" + tag + "' at step " + step)),
            false)
        .onSuccess(
            png ->
                ctx.response()
                    .putHeader("Content-Type", "image/png")
                    .putHeader("Cache-Control", "max-age=3600")
                    .end(Buffer.buffer(png)))
        .onFailure(ctx::fail);
  }

  private void histograms(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String tag = HttpSupport.required(ctx, "tag", "?tag=weights/01Linear_weight");
    int limit = limit(ctx);
    int offset = offset(ctx);
    blocking(
        vertx,
        ctx,
        () -> {
          requireRun(id);
          JsonArray out = new JsonArray();
          for (MediaStore.HistogramEntry e : store().histograms(id, tag, limit, offset)) {
            Histogram h = e.histogram();
            JsonArray limits = new JsonArray();
            for (double l : h.limits()) {
              limits.add(l);
            }
            JsonArray counts = new JsonArray();
            for (long c : h.counts()) {
              counts.add(c);
            }
            out.add(
                new JsonObject()
                    .put("step", e.step())
                    .put("wallTime", e.wallTime())
                    .put("min", JsonMapping.finite(h.min()))
                    .put("max", JsonMapping.finite(h.max()))
                    .put("count", h.count())
                    .put("sum", JsonMapping.finite(h.sum()))
                    .put("sumSquares", JsonMapping.finite(h.sumSquares()))
                    .put("nonFinite", h.nonFinite())
                    .put("left", JsonMapping.finite(h.left()))
                    .put("limits", limits)
                    .put("counts", counts));
          }
          if (out.isEmpty() && offset == 0) {
            throw ApiException.notFound("run '" + id + "' has no histograms '" + tag + "'");
          }
          return new JsonObject().put("runId", id).put("tag", tag).put("histograms", out);
        });
  }

  private void texts(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String tag = HttpSupport.required(ctx, "tag", "?tag=confusion_matrix");
    int limit = HttpSupport.intParam(ctx, "limit", 100, 1, 1000);
    blocking(
        vertx,
        ctx,
        () -> {
          requireRun(id);
          JsonArray out = new JsonArray();
          for (MediaStore.TextEntry t : store().texts(id, tag, limit)) {
            out.add(
                new JsonObject()
                    .put("step", t.step())
                    .put("wallTime", t.wallTime())
                    .put("text", t.text()));
          }
          if (out.isEmpty()) {
            throw ApiException.notFound("run '" + id + "' has no text '" + tag + "'");
          }
          return new JsonObject().put("runId", id).put("tag", tag).put("texts", out);
        });
  }

  private void graph(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking(
        vertx,
        ctx,
        () -> {
          requireRun(id);
          return store()
              .graph(id)
              .orElseThrow(() -> ApiException.notFound("run '" + id + "' has no model graph"));
        });
  }
}
