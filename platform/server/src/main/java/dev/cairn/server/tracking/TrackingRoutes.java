package dev.cairn.server.tracking;

import dev.cairn.core.Provenance;
import dev.cairn.core.security.SecurityStore;
import dev.cairn.core.tracking.NewRun;
import dev.cairn.core.tracking.RunQuery;
import dev.cairn.core.tracking.RunRecord;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.tracking.media.Histogram;
import dev.cairn.core.tracking.media.MediaRecord;
import dev.cairn.core.tracking.media.Png;
import dev.cairn.server.Platform;
import dev.cairn.server.bus.Addresses;
import dev.cairn.server.bus.MediaBatch;
import dev.cairn.server.bus.MediaWriterVerticle;
import dev.cairn.server.bus.MetricBatch;
import dev.cairn.server.http.AccessRules;
import dev.cairn.server.http.ApiException;
import dev.cairn.server.http.HttpSupport;
import dev.cairn.server.http.Principal;
import dev.cairn.server.json.JsonMapping;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The native tracking API under {@code /api/tracking} (docs/tracking.md). Bodies are parsed and
 * checked on a worker; every write goes to the store writer verticles and is answered once it is
 * durable, so a point the server acknowledged survives a kill -9 and a client may retry anything it
 * got no answer for.
 */
public final class TrackingRoutes {
  /** Sources a client may declare; Cairn's own trainer is {@code cairn-trainer}. */
  static final Set<String> CLIENT_SOURCES = Set.of("rest", "java-client", "cairn-cli");

  /** Longest spec text a {@code cairn-cli} run may carry. */
  static final int MAX_SPEC = 1 << 20;

  public static final int MAX_BODY_BYTES = AccessRules.TRACKING_MAX_BODY_BYTES;
  static final int MAX_NAME = 255;
  static final int MAX_KEY = 128;
  static final int MAX_PARAM_KEY = 255;
  static final int MAX_PARAM_VALUE = 65_536;
  static final int MAX_TAG_VALUE = 8_192;
  static final int MAX_ENTRIES = 1_000;
  static final int MAX_TEXT = 65_536;
  static final int MAX_GRAPH = 4 << 20;
  static final int MAX_HISTOGRAM_VALUES = 1_000_000;

  private final Vertx vertx;
  private final Platform platform;
  private final RunKeys keys;
  private final HeartbeatWatch heartbeats;
  private final Map<String, Future<JsonObject>> creating = new ConcurrentHashMap<>();

  private TrackingRoutes(Vertx vertx, Platform platform) {
    this.vertx = vertx;
    this.platform = platform;
    this.keys = new RunKeys(platform.database());
    this.heartbeats = new HeartbeatWatch(vertx, HeartbeatWatch.timeoutFromEnvironment());
  }

  /** Mounts the routes; call before the API's general body handler (these take larger bodies). */
  public static void mount(Router router, Vertx vertx, Platform platform) {
    TrackingRoutes routes = new TrackingRoutes(vertx, platform);
    // no file uploads: a body is read into memory (at most 16 MiB) and nothing is written to disk
    // sized from Content-Length (up to Vert.x's 64 KB cap): a scalar batch of a few hundred KB
    // grows in a few doublings on the event loop, not from a few KB
    router
        .route("/api/tracking/*")
        .handler(
            BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES).setPreallocateBodyBuffer(true));
    router
        .route("/api/tracking/*")
        .failureHandler(
            ctx -> {
              if (ctx.failure() == null && ctx.statusCode() == 413) {
                HttpSupport.json(
                    ctx,
                    413,
                    new JsonObject()
                        .put(
                            "error",
                            new JsonObject()
                                .put("code", "too_large")
                                .put(
                                    "message",
                                    "request body is larger than "
                                        + MAX_BODY_BYTES
                                        + " bytes (16 MiB); send smaller batches")));
              } else {
                ctx.next(); // the API's failure handler answers everything else
              }
            });
    router.post("/api/tracking/runs").handler(routes::create);
    router.get("/api/tracking/runs/:id").handler(routes::get);
    router.post("/api/tracking/runs/:id/scalars").handler(routes::scalars);
    router.post("/api/tracking/runs/:id/images").handler(routes::image);
    router.post("/api/tracking/runs/:id/histograms").handler(routes::histogram);
    router.post("/api/tracking/runs/:id/texts").handler(routes::text);
    router.post("/api/tracking/runs/:id/graph").handler(routes::graph);
    router.post("/api/tracking/runs/:id/params").handler(routes::params);
    router.post("/api/tracking/runs/:id/tags").handler(routes::tags);
    router.post("/api/tracking/runs/:id/heartbeat").handler(routes::heartbeat);
    router.post("/api/tracking/runs/:id/end").handler(routes::end);
    routes.watchRunningOutsideRuns();
  }

  // ---- runs

  private void create(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    String experiment = text(body, "experiment", MAX_NAME, true);
    String name = text(body, "name", MAX_NAME, false);
    String key = text(body, "idempotencyKey", MAX_KEY, false);
    String source = text(body, "source", 32, false);
    source = source == null ? "rest" : source;
    if (!CLIENT_SOURCES.contains(source)) {
      throw ApiException.badRequest(
          "'source' is '" + source + "'; allowed: rest, java-client, cairn-cli");
    }
    Map<String, String> params = stringMap(body, "params", MAX_PARAM_KEY, MAX_PARAM_VALUE);
    Map<String, String> tags = stringMap(body, "tags", MAX_PARAM_KEY, MAX_TAG_VALUE);
    // a run `cairn run` trains in its own process brings its spec, seed, device and provenance
    String spec = text(body, "spec", MAX_SPEC, false);
    long seed =
        body.containsKey("seed")
            ? integer(body.getValue("seed"), "'seed'", Long.MIN_VALUE, Long.MAX_VALUE)
            : 0;
    String device = text(body, "device", 64, false);
    Map<String, String> provenance =
        new LinkedHashMap<>(stringMap(body, "provenance", MAX_PARAM_KEY, MAX_TAG_VALUE));
    provenance.put("source", source);
    NewRun run =
        new NewRun(
            experiment,
            name == null ? "run" : name,
            spec == null ? "" : spec,
            spec == null ? "" : Provenance.sha256(spec),
            seed,
            device == null ? "client" : device,
            provenance,
            params);
    String owner = Principal.of(ctx).owner();
    Future<JsonObject> result;
    if (key == null) {
      result = createRun(run, null, tags, owner);
    } else {
      // one creation per key at a time; the table answers every later request
      result =
          creating.computeIfAbsent(
              key,
              k ->
                  vertx
                      .executeBlocking(() -> keys.runOfKey(k), false)
                      .compose(
                          existing ->
                              existing.isPresent()
                                  ? describe(existing.get()).map(j -> j.put("created", false))
                                  : createRun(run, k, tags, owner)));
      result.onComplete(ar -> creating.remove(key));
    }
    result
        .onSuccess(json -> HttpSupport.json(ctx, json.getBoolean("created") ? 201 : 200, json))
        .onFailure(ctx::fail);
  }

  private Future<JsonObject> createRun(
      NewRun run, String key, Map<String, String> tags, String owner) {
    return vertx
        .eventBus()
        .<JsonObject>request(Addresses.CREATE_RUN, JsonMapping.toJson(run))
        .compose(
            reply -> {
              String id = reply.body().getString("id");
              return vertx
                  .eventBus()
                  .request(
                      Addresses.RUN_STATE,
                      new JsonObject()
                          .put("runId", id)
                          .put("status", RunStatus.RUNNING.name())
                          .put("device", run.device()))
                  .compose(
                      x ->
                          vertx.executeBlocking(
                              () -> {
                                keys.remember(key, id, tags);
                                if (!owner.equals("local")) {
                                  platform.security().setOwner(SecurityStore.Owned.RUN, id, owner);
                                }
                                return id;
                              },
                              false));
            })
        .compose(
            id -> {
              heartbeats.heard(id);
              return describe(id);
            })
        .map(j -> j.put("created", true));
  }

  private void get(RoutingContext ctx) {
    describe(ctx.pathParam("id"))
        .onSuccess(j -> HttpSupport.json(ctx, 200, j))
        .onFailure(ctx::fail);
  }

  private Future<JsonObject> describe(String id) {
    return vertx.executeBlocking(
        () -> {
          RunRecord run =
              platform
                  .store()
                  .getRun(id)
                  .orElseThrow(() -> ApiException.notFound("no run with id '" + id + "'"));
          return JsonMapping.toJson(run)
              .put("params", new JsonObject(new LinkedHashMap<>(platform.store().params(id))))
              .put("tags", new JsonObject(new LinkedHashMap<>(keys.tags(id))))
              .put("heartbeatTimeoutSeconds", heartbeats.timeout().toSeconds());
        },
        false);
  }

  // ---- data

  private void scalars(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Buffer buffer = ctx.body().buffer();
    String type = ctx.request().getHeader("Content-Type");
    boolean binary =
        type != null && type.toLowerCase(Locale.ROOT).startsWith(ScalarBatch.BINARY_TYPE);
    vertx
        .executeBlocking(
            () -> {
              // the copy out of the request's buffer happens here, not on the event loop
              byte[] body = buffer == null ? new byte[0] : buffer.getBytes();
              return binary ? ScalarBatch.parseBinary(id, body) : ScalarBatch.parse(id, body);
            },
            false)
        .compose(batch -> writable(id).map(batch))
        .compose(
            batch ->
                batch.series().isEmpty()
                    ? Future.succeededFuture(batch)
                    : vertx
                        .eventBus()
                        .request(
                            Addresses.METRICS_DURABLE, new MetricBatch(List.of(), batch.series()))
                        .map(batch))
        .onSuccess(
            batch ->
                HttpSupport.json(
                    ctx,
                    200,
                    new JsonObject()
                        .put("runId", id)
                        .put("batchId", batch.batchId())
                        .put("points", batch.size())))
        .onFailure(t -> ctx.fail(busFailure(t)));
  }

  private void image(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String tag = ScalarBatch.checkTag(ctx.queryParams().get("tag"), "query parameter 'tag'");
    long step = step(ctx.queryParams().get("step"), "query parameter 'step'");
    long wall = wallTime(ctx.queryParams().get("wallTime"));
    String caption = ctx.queryParams().get("caption");
    if (caption != null && caption.length() > MAX_TEXT) {
      throw ApiException.badRequest(
          "query parameter 'caption' is at most " + MAX_TEXT + " characters");
    }
    byte[] png = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    Png.Size size;
    try {
      size = Png.check(tag, png);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("body: " + e.getMessage());
    }
    media(
        ctx,
        id,
        List.of(
            new MediaRecord.Image(id, tag, step, wall, size.width(), size.height(), caption, png)),
        Map.of());
  }

  private void histogram(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject body = jsonBody(ctx);
    String tag = ScalarBatch.checkTag(body.getValue("tag") instanceof String s ? s : null, "'tag'");
    long step = step(body.getValue("step"), "'step'");
    long wall = wallTime(body.getValue("wallTime"));
    Histogram histogram;
    if (body.containsKey("values")) {
      int buckets =
          (int) integer(body.getValue("buckets", Histogram.DEFAULT_BUCKETS), "'buckets'", 1, 1000);
      double[] values = numbers(body, "values", MAX_HISTOGRAM_VALUES);
      histogram = Histogram.of(values, buckets);
    } else if (body.containsKey("limits") && body.containsKey("counts")) {
      double[] limits = numbers(body, "limits", 1000);
      double[] counts = numbers(body, "counts", 1000);
      if (limits.length != counts.length || limits.length == 0) {
        throw ApiException.badRequest(
            "'limits' and 'counts' must have the same length, 1..1000; got "
                + limits.length
                + " and "
                + counts.length);
      }
      long[] c = new long[counts.length];
      long total = 0;
      for (int i = 0; i < counts.length; i++) {
        if (!(counts[i] >= 0) || counts[i] != Math.rint(counts[i])) {
          throw ApiException.badRequest(
              "'counts[" + i + "]' is " + counts[i] + "; counts are integers >= 0");
        }
        if (!Double.isFinite(limits[i]) || (i > 0 && limits[i] <= limits[i - 1])) {
          throw ApiException.badRequest(
              "'limits["
                  + i
                  + "]' is "
                  + limits[i]
                  + "; limits (right bucket edges) are finite and increasing");
        }
        c[i] = (long) counts[i];
        total += c[i];
      }
      double min = finite(body, "min", limits[0]);
      double max = finite(body, "max", limits[limits.length - 1]);
      histogram =
          new Histogram(
              min, max, total, finite(body, "sum", 0), finite(body, "sumSquares", 0), limits, c, 0);
    } else {
      throw ApiException.badRequest(
          "a histogram needs 'values' (raw values the server buckets, with optional 'buckets' 1..1000)"
              + " or 'limits' and 'counts' (buckets)");
    }
    media(ctx, id, List.of(new MediaRecord.HistogramAt(id, tag, step, wall, histogram)), Map.of());
  }

  private void text(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject body = jsonBody(ctx);
    String tag = ScalarBatch.checkTag(body.getValue("tag") instanceof String s ? s : null, "'tag'");
    long step = step(body.getValue("step"), "'step'");
    long wall = wallTime(body.getValue("wallTime"));
    String text = text(body, "text", MAX_TEXT, true);
    media(ctx, id, List.of(new MediaRecord.Text(id, tag, step, wall, text)), Map.of());
  }

  /**
   * The model graph, {@code {"graph": {...}}}: a JSON object as Cairn's trainer records it
   * (ModelGraph: nodes with name, type, shapes, parameters and children); one per run, a second
   * replaces the first.
   */
  private void graph(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject body = jsonBody(ctx);
    if (!(body.getValue("graph") instanceof JsonObject graph)) {
      throw ApiException.badRequest(
          "'graph' must be a JSON object (the model graph, as Cairn's trainer records it)");
    }
    String json = graph.encode();
    if (json.length() > MAX_GRAPH) {
      throw ApiException.badRequest(
          "'graph' is " + json.length() + " characters; at most " + MAX_GRAPH + " are allowed");
    }
    media(ctx, id, List.of(new MediaRecord.Graph(id, json)), Map.of());
  }

  private void params(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Map<String, String> params = stringMap(jsonBody(ctx), "params", MAX_PARAM_KEY, MAX_PARAM_VALUE);
    media(ctx, id, List.of(), params);
  }

  private void tags(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Map<String, String> tags = stringMap(jsonBody(ctx), "tags", MAX_PARAM_KEY, MAX_TAG_VALUE);
    writable(id)
        .compose(
            x ->
                vertx.executeBlocking(
                    () -> {
                      keys.setTags(id, tags);
                      return new JsonObject()
                          .put("runId", id)
                          .put("tags", new JsonObject(new LinkedHashMap<>(keys.tags(id))));
                    },
                    false))
        .onSuccess(j -> HttpSupport.json(ctx, 200, j))
        .onFailure(ctx::fail);
  }

  private void media(
      RoutingContext ctx, String id, List<MediaRecord> records, Map<String, String> params) {
    writable(id)
        .compose(
            x ->
                vertx
                    .eventBus()
                    .request(
                        MediaWriterVerticle.ADDRESS_DURABLE,
                        new MediaBatch(records, params.isEmpty() ? null : id, params)))
        .onSuccess(
            x ->
                HttpSupport.json(
                    ctx,
                    200,
                    new JsonObject()
                        .put("runId", id)
                        .put("records", records.size())
                        .put("params", params.size())))
        .onFailure(t -> ctx.fail(busFailure(t)));
  }

  // ---- life cycle

  private void heartbeat(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    writable(id)
        .onSuccess(
            x ->
                HttpSupport.json(
                    ctx,
                    200,
                    new JsonObject()
                        .put("runId", id)
                        .put("status", "RUNNING")
                        .put("heartbeatTimeoutSeconds", heartbeats.timeout().toSeconds())))
        .onFailure(ctx::fail);
  }

  private void end(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject body = jsonBody(ctx);
    String raw = text(body, "status", 16, true);
    RunStatus status;
    try {
      status = RunStatus.valueOf(raw.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      status = null;
    }
    if (status != RunStatus.FINISHED && status != RunStatus.FAILED && status != RunStatus.KILLED) {
      throw ApiException.badRequest("'status' is '" + raw + "'; allowed: FINISHED, FAILED, KILLED");
    }
    String message = text(body, "message", 8192, false);
    RunStatus end = status;
    vertx
        .executeBlocking(() -> outsideRun(id), false)
        .compose(
            run -> {
              heartbeats.forget(id);
              if (run.status().terminal()) {
                return Future.succeededFuture();
              }
              return vertx
                  .eventBus()
                  .request(
                      Addresses.RUN_STATE,
                      new JsonObject()
                          .put("runId", id)
                          .put("status", end.name())
                          .put("message", message))
                  .mapEmpty();
            })
        .compose(x -> describe(id))
        .onSuccess(j -> HttpSupport.json(ctx, 200, j))
        .onFailure(ctx::fail);
  }

  /**
   * Succeeds when the run is an outside run that takes writes (RUNNING), and notes that its client
   * is alive. A run this server marked FAILED because its client went silent, or because the server
   * itself crashed, is RUNNING again on the client's next write.
   */
  private Future<Void> writable(String id) {
    if (heartbeats.watching(id)) {
      heartbeats.heard(id);
      return Future.succeededFuture();
    }
    return vertx
        .executeBlocking(() -> outsideRun(id), false)
        .compose(
            run -> {
              if (run.status() == RunStatus.RUNNING) {
                heartbeats.heard(id);
                return Future.succeededFuture();
              }
              if (run.status() == RunStatus.FAILED && HeartbeatWatch.revivable(run.message())) {
                return vertx
                    .eventBus()
                    .request(
                        Addresses.RUN_STATE,
                        new JsonObject()
                            .put("runId", id)
                            .put("status", RunStatus.RUNNING.name())
                            .put("device", run.device())
                            .put("reopen", true))
                    .onSuccess(x -> heartbeats.heard(id))
                    .mapEmpty();
              }
              return Future.failedFuture(
                  new ApiException(
                      409,
                      "conflict",
                      "run '" + id + "' is " + run.status() + "; it takes no more data"));
            });
  }

  private RunRecord outsideRun(String id) {
    RunRecord run =
        platform
            .store()
            .getRun(id)
            .orElseThrow(() -> ApiException.notFound("no run with id '" + id + "'"));
    if (!CLIENT_SOURCES.contains(run.provenance().get("source"))) {
      throw new ApiException(
          409,
          "conflict",
          "run '" + id + "' is trained by Cairn; the tracking API writes only runs it created");
    }
    return run;
  }

  /**
   * Outside runs left RUNNING (e.g. by a server restart that kept them) are watched from now on.
   */
  private void watchRunningOutsideRuns() {
    vertx.executeBlocking(
        () -> {
          String token = null;
          do {
            var page =
                platform.store().listRuns(new RunQuery(null, RunStatus.RUNNING, 1000, token));
            for (RunRecord r : page.items()) {
              if (CLIENT_SOURCES.contains(r.provenance().get("source"))) {
                heartbeats.heard(r.id());
              }
            }
            token = page.nextPageToken();
          } while (token != null);
          return null;
        },
        false);
  }

  // ---- parsing

  private static Throwable busFailure(Throwable t) {
    if (t instanceof ReplyException r && r.failureCode() == 400) {
      return ApiException.badRequest(r.getMessage());
    }
    if (t instanceof ReplyException r && r.failureCode() == 503) {
      return new ApiException(503, "unavailable", r.getMessage());
    }
    return t;
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw ApiException.badRequest("body is empty; expected a JSON object");
      }
      return body;
    } catch (DecodeException | ClassCastException e) {
      throw ApiException.badRequest("body is not a JSON object");
    }
  }

  private static String text(JsonObject body, String field, int max, boolean required) {
    Object v = body.getValue(field);
    if (v == null) {
      if (required) {
        throw ApiException.badRequest(
            "'" + field + "' is required (a string of 1.." + max + " characters)");
      }
      return null;
    }
    if (!(v instanceof String s) || s.isBlank() || s.length() > max) {
      throw ApiException.badRequest(
          "'" + field + "' must be a string of 1.." + max + " characters");
    }
    return s;
  }

  private static Map<String, String> stringMap(
      JsonObject body, String field, int maxKey, int maxValue) {
    Object v = body.getValue(field);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof JsonObject o)) {
      throw ApiException.badRequest(
          "'" + field + "' must be an object of key -> string, number or boolean");
    }
    if (o.size() > MAX_ENTRIES) {
      throw ApiException.badRequest(
          "'" + field + "': at most " + MAX_ENTRIES + " entries, got " + o.size());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (var e : o) {
      String k = e.getKey();
      if (k.isBlank() || k.length() > maxKey) {
        throw ApiException.badRequest("'" + field + "': keys are 1.." + maxKey + " characters");
      }
      Object value = e.getValue();
      if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
        throw ApiException.badRequest(
            "'" + field + "." + k + "' must be a string, number or boolean");
      }
      String s = String.valueOf(value);
      if (s.length() > maxValue) {
        throw ApiException.badRequest(
            "'" + field + "." + k + "' is " + s.length() + " characters; at most " + maxValue);
      }
      out.put(k, s);
    }
    return out;
  }

  private static long step(Object raw, String where) {
    return integer(raw, where, 0, Long.MAX_VALUE);
  }

  private static long integer(Object raw, String where, long min, long max) {
    long v;
    if (raw instanceof Integer || raw instanceof Long) {
      v = ((Number) raw).longValue();
    } else if (raw instanceof String s) {
      try {
        v = Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw ApiException.badRequest(
            where + " must be an integer in " + min + ".." + max + ", got '" + s + "'");
      }
    } else {
      throw ApiException.badRequest(where + " must be an integer in " + min + ".." + max);
    }
    if (v < min || v > max) {
      throw ApiException.badRequest(where + " is " + v + "; allowed " + min + ".." + max);
    }
    return v;
  }

  private static long wallTime(Object raw) {
    return raw == null
        ? System.currentTimeMillis()
        : integer(raw, "'wallTime' (milliseconds since 1970)", 0, Long.MAX_VALUE);
  }

  private static double finite(JsonObject body, String field, double dflt) {
    Object v = body.getValue(field);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw ApiException.badRequest("'" + field + "' must be a finite number");
    }
    return n.doubleValue();
  }

  private static double[] numbers(JsonObject body, String field, int max) {
    Object v = body.getValue(field);
    if (!(v instanceof JsonArray a)) {
      throw ApiException.badRequest("'" + field + "' must be an array of numbers");
    }
    if (a.size() > max) {
      throw ApiException.badRequest(
          "'" + field + "': at most " + max + " entries, got " + a.size());
    }
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      Object x = a.getValue(i);
      if (x instanceof Number n) {
        out[i] = n.doubleValue();
      } else if ("NaN".equals(x) || "Infinity".equals(x) || "-Infinity".equals(x)) {
        out[i] = Double.parseDouble((String) x);
      } else {
        throw ApiException.badRequest("'" + field + "[" + i + "]' must be a number");
      }
    }
    return out;
  }
}
