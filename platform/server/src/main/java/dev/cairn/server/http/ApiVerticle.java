package dev.cairn.server.http;

import dev.cairn.core.plugins.ExtensionKind;
import dev.cairn.core.plugins.PluginProblem;
import dev.cairn.core.security.SecurityStore;
import dev.cairn.core.spec.ExperimentSpec;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.core.tracking.Page;
import dev.cairn.core.tracking.RunQuery;
import dev.cairn.core.tracking.RunRecord;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.tracking.TrackingStore;
import dev.cairn.core.training.Checkpoints;
import dev.cairn.core.training.ProgressObserver;
import dev.cairn.core.training.Resume;
import dev.cairn.core.training.TrainingRunner;
import dev.cairn.server.Platform;
import dev.cairn.server.RunOutcome;
import dev.cairn.server.json.JsonMapping;
import dev.cairn.spi.SpecException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API (see docs/api.md). Handlers run on the event loop and hand every store read to a
 * worker ({@code executeBlocking}); nothing here blocks.
 */
public final class ApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  static final int MAX_BODY_BYTES = 1 << 20;

  private final Platform platform;
  private final String host;
  private final int port;
  private final AuthSettings auth;
  private final ServerLimits limits;
  private HttpServer server;
  private long maxArtifactBytes = ArtifactRoutes.DEFAULT_MAX_BYTES;
  private SafeMessages safe;
  private UploadBudget uploads;

  /** A server that asks for no token (loopback without tokens; tests and benchmarks). */
  public ApiVerticle(Platform platform, String host, int port) {
    this(platform, host, port, AuthSettings.open(), ServerLimits.DEFAULTS);
  }

  public ApiVerticle(Platform platform, String host, int port, AuthSettings auth) {
    this(platform, host, port, auth, ServerLimits.DEFAULTS);
  }

  public ApiVerticle(Platform platform, String host, int port, ServerLimits limits) {
    this(platform, host, port, AuthSettings.open(), limits);
  }

  public ApiVerticle(
      Platform platform, String host, int port, AuthSettings auth, ServerLimits limits) {
    this.platform = platform;
    this.host = host;
    this.port = port;
    this.auth = auth;
    this.limits = limits;
  }

  /**
   * The largest artifact upload this server takes ({@code cairn serve --max-artifact-bytes}); call
   * before deploying.
   */
  public ApiVerticle maxArtifactBytes(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("the artifact size limit must be at least 1 byte");
    }
    this.maxArtifactBytes = bytes;
    return this;
  }

  @Override
  public Future<?> start() {
    // building the router loads a few hundred classes (routes, Vert.x Web, Jackson): seconds on a
    // loaded machine, so on a worker; the server is then created and bound on this verticle's
    // event loop
    return vertx
        .executeBlocking(this::router, false)
        .compose(
            router -> {
              server = ServerGuards.createServer(vertx, limits, router);
              return server.listen(port, host).onSuccess(s -> requeueAbandoned());
            });
  }

  private Router router() {
    ServerGuards.restrictSpecPaths(platform, limits);
    safe = new SafeMessages(platform.options());
    uploads = new UploadBudget(limits.maxUploadBytesInFlight());
    Instant started = Instant.now();
    vertx
        .executeBlocking(
            () -> UploadBudget.removeLeftovers(platform.options().dataDir(), started), false)
        .onSuccess(
            n -> {
              if (n > 0) {
                LOG.info("removed {} unfinished upload file(s) left by an earlier server", n);
              }
            });
    Router router = Router.router(vertx);
    router
        .route()
        .handler(new AuthHandler(vertx, platform.security(), auth)); // first: see AccessRules
    // every body counts against the server's upload budget while it is read and handled
    router.route().handler(uploads.bufferedBodies());
    ArtifactRoutes.mount(
        router,
        vertx,
        platform,
        maxArtifactBytes); // first: uploads stream, no body handler may read them
    ModelsApi.mount(
        router, vertx,
        platform); // first: its routes read larger bodies than the handler below allows
    List<ApiRoutes> features = ApiRoutes.installed();
    for (ApiRoutes f : features) {
      if (f.readsLargeBodies()) {
        f.mount(router, vertx, platform, limits); // also before the 1 MiB body handler
      }
    }
    router
        .route("/api/*")
        .handler(
            BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)); // no multipart files on disk
    router
        .get("/api/health")
        .handler(ctx -> HttpSupport.json(ctx, 200, new JsonObject().put("status", "ok")));
    SecurityRoutes.mount(router, vertx, platform.security(), auth);
    router.get("/api/plugins").handler(this::plugins);
    router.get("/api/runs").handler(this::listRuns);
    router.post("/api/runs").handler(this::submitRun);
    router.get("/api/runs/:id").handler(this::getRun);
    router.delete("/api/runs/:id").handler(this::deleteRun);
    router.post("/api/runs/:id/stop").handler(this::stopRun);
    router.post("/api/runs/:id/resume").handler(this::resumeRun);
    router.get("/api/runs/:id/params").handler(this::params);
    router.get("/api/runs/:id/metrics").handler(this::metrics);
    router.get("/api/runs/:id/series").handler(this::series);
    TensorBoardImportRoutes.mount(router, vertx, platform);
    DashboardRoutes.mount(router, vertx, platform);
    for (ApiRoutes f : features) {
      if (!f.readsLargeBodies()) {
        f.mount(router, vertx, platform, limits); // sweeps and the cluster
      }
    }
    router
        .route("/api/*")
        .handler(
            ctx ->
                ctx.fail(
                    ApiException.notFound(
                        "no such endpoint: "
                            + ctx.request().method()
                            + " "
                            + ctx.request().path())));
    router.route("/api/*").failureHandler(this::failure);
    DashboardRoutes.mountStatic(router);
    List<String> unruled = SecurityRoutes.unruled(router);
    if (!unruled.isEmpty()) {
      LOG.error(
          "routes without an access rule (they answer 404; add them to AccessRules): {}", unruled);
    }
    return router;
  }

  private void requeueAbandoned() {
    vertx
        .executeBlocking(() -> platform.runs().requeueAbandoned(platform.store()), false)
        .onSuccess(
            ids -> {
              if (!ids.isEmpty()) {
                LOG.info(
                    "{} run(s) queued when an earlier server stopped are queued again: {}",
                    ids.size(),
                    ids);
              }
            })
        .onFailure(
            t ->
                LOG.warn(
                    "could not queue again the runs an earlier server left queued: {}",
                    t.getMessage()));
  }

  /** The port actually bound (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private TrackingStore store() {
    return platform.store();
  }

  private void plugins(RoutingContext ctx) {
    JsonArray extensions = new JsonArray();
    for (ExtensionKind kind : ExtensionKind.values()) {
      platform.plugins().list(kind).forEach(e -> extensions.add(JsonMapping.toJson(e)));
    }
    JsonArray problems = new JsonArray();
    for (PluginProblem p : platform.plugins().problems()) {
      problems.add(
          new JsonObject()
              .put("plugin", safe.clean(p.pluginId()))
              .put("what", safe.clean(p.what()))
              .put("reason", safe.clean(p.reason())));
    }
    HttpSupport.json(
        ctx, 200, new JsonObject().put("extensions", extensions).put("problems", problems));
  }

  private void listRuns(RoutingContext ctx) {
    int limit = HttpSupport.intParam(ctx, "limit", 50, 1, 1000);
    RunStatus status = statusParam(ctx);
    String experiment = ctx.queryParams().get("experiment");
    String token = ctx.queryParams().get("pageToken");
    String owner = ctx.queryParams().get("owner");
    HttpSupport.blocking(
        vertx,
        ctx,
        () -> {
          Page<RunRecord> page;
          try {
            page =
                store()
                    .listRuns(
                        new RunQuery(
                            experiment,
                            status,
                            limit,
                            token,
                            owner == null || owner.isBlank() ? null : owner.trim()));
          } catch (IllegalArgumentException e) {
            if (token == null) {
              throw e;
            }
            throw ApiException.badRequest(
                "query parameter 'pageToken': not a token of this server;"
                    + " pass back the nextPageToken of a previous page, or leave it out for the first page");
          }
          JsonArray runs = new JsonArray();
          for (RunRecord r : page.items()) {
            runs.add(
                JsonMapping.toJson(r)
                    .put("metrics", JsonMapping.lastValues(store().series(r.id()))));
          }
          return new JsonObject().put("runs", runs).put("nextPageToken", page.nextPageToken());
        });
  }

  private void getRun(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    HttpSupport.blocking(
        vertx,
        ctx,
        () -> {
          RunRecord run =
              store()
                  .getRun(id)
                  .orElseThrow(() -> ApiException.notFound("no run with id '" + id + "'"));
          var series = store().series(id);
          JsonArray summaries = new JsonArray();
          series.forEach(s -> summaries.add(JsonMapping.toJson(s)));
          return JsonMapping.toJson(run)
              .put("specText", run.specText())
              .put("params", new JsonObject(new LinkedHashMap<>(store().params(id))))
              .put("metrics", JsonMapping.lastValues(series))
              .put("series", summaries);
        });
  }

  private void params(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    HttpSupport.blocking(
        vertx,
        ctx,
        () -> {
          requireRun(id);
          return new JsonObject(new LinkedHashMap<>(store().params(id)));
        });
  }

  private void metrics(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    HttpSupport.blocking(
        vertx,
        ctx,
        () -> {
          requireRun(id);
          JsonArray out = new JsonArray();
          store().series(id).forEach(s -> out.add(JsonMapping.toJson(s)));
          return new JsonObject().put("series", out);
        });
  }

  private void series(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String tag = ctx.queryParams().get("tag");
    if (tag == null || tag.isBlank()) {
      throw ApiException.badRequest("query parameter 'tag' is required, e.g. ?tag=train/loss");
    }
    int maxPoints = HttpSupport.intParam(ctx, "maxPoints", 1000, 0, 1_000_000);
    HttpSupport.blocking(
        vertx,
        ctx,
        () -> {
          requireRun(id);
          return store()
              .readSeries(id, tag, maxPoints)
              .map(JsonMapping::toJson)
              .orElseThrow(
                  () -> ApiException.notFound("run '" + id + "' has no series '" + tag + "'"));
        });
  }

  private void deleteRun(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (platform.runs().activeRuns().contains(id)) {
      throw new ApiException(
          409,
          "conflict",
          "run '" + id + "' is training; stop it first (POST /api/runs/" + id + "/stop)");
    }
    Principal who = Principal.of(ctx);
    HttpSupport.blocking(
        vertx,
        ctx,
        () -> {
          RunRecord run =
              store()
                  .getRun(id)
                  .orElseThrow(() -> ApiException.notFound("no run with id '" + id + "'"));
          if (!who.isAdmin() && !run.owner().equals(who.owner())) {
            throw new ApiException(
                403,
                "forbidden",
                "run '"
                    + id
                    + "' belongs to '"
                    + run.owner()
                    + "'; deleting another owner's run needs a token with scope admin");
          }
          if (!store().deleteRun(id)) {
            throw ApiException.notFound("no run with id '" + id + "'");
          }
          platform.artifacts().deleteFiles(id);
          return new JsonObject().put("deleted", id);
        });
  }

  private void stopRun(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!platform.runs().cancel(id)) {
      throw new ApiException(409, "conflict", "run '" + id + "' is not training in this server");
    }
    HttpSupport.json(ctx, 202, new JsonObject().put("stopping", id));
  }

  /**
   * Continues a FAILED or KILLED run from its latest checkpoint, under its own id, in this server
   * (what {@code cairn resume} asks while a server owns the store). Answers 202 once training was
   * handed to the run service; the run's record shows how it goes.
   */
  private void resumeRun(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    vertx
        .executeBlocking(
            () -> {
              RunRecord run =
                  store()
                      .getRun(id)
                      .orElseThrow(() -> ApiException.notFound("no run with id '" + id + "'"));
              if (run.status() != RunStatus.FAILED && run.status() != RunStatus.KILLED) {
                throw new ApiException(
                    409,
                    "conflict",
                    "run "
                        + id
                        + " is "
                        + run.status()
                        + "; only a FAILED or KILLED run can be resumed");
              }
              var runDir = TrainingRunner.Environment.runDir(platform.options().dataDir(), id);
              var checkpoint = Checkpoints.latest(runDir);
              if (checkpoint.isEmpty()) {
                throw new ApiException(
                    409,
                    "conflict",
                    "run "
                        + id
                        + " has no checkpoint; runs save them when their spec sets"
                        + " training.checkpointEvery");
              }
              ResolvedSpec resolved;
              try {
                resolved = platform.runs().resolve(SpecParser.parse(run.specText(), run.name()));
              } catch (SpecException e) {
                throw new ApiException(
                    409,
                    "conflict",
                    "the spec of run " + id + " no longer resolves: " + e.getMessage());
              }
              var from = checkpoint.get();
              if (from.epoch() >= resolved.spec().epochs()) {
                throw new ApiException(
                    409,
                    "conflict",
                    "run "
                        + id
                        + " checkpointed all "
                        + from.epoch()
                        + " epochs; nothing to resume");
              }
              store().reopen(id);
              platform
                  .runs()
                  .resume(
                      resolved,
                      id,
                      new Resume(from),
                      ProgressObserver.NONE,
                      Promise.<RunOutcome>promise());
              return new JsonObject()
                  .put("runId", id)
                  .put("fromEpoch", from.epoch())
                  .put("fromStep", from.step())
                  .put("epochs", resolved.spec().epochs());
            },
            false)
        .onSuccess(json -> HttpSupport.json(ctx, 202, json))
        .onFailure(ctx::fail);
  }

  private void submitRun(RoutingContext ctx) {
    String body = ctx.body().asString();
    String specText = body;
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      JsonObject json;
      try {
        json = new JsonObject(body);
      } catch (RuntimeException e) {
        throw ApiException.badRequest("body is not valid JSON: " + e.getMessage());
      }
      if (!(json.getValue("spec") instanceof String s)) {
        throw ApiException.badRequest(
            "JSON body needs a 'spec' field holding the spec's YAML text");
      }
      specText = s;
    }
    String text = specText;
    String owner = Principal.of(ctx).owner();
    vertx
        .executeBlocking(
            () -> {
              ExperimentSpec spec = SpecParser.parse(text, "api-run");
              ResolvedSpec resolved = platform.runs().resolve(spec);
              RunLimits.check(limits, resolved);
              RunLimits.checkQueued(platform, limits, owner);
              return resolved;
            })
        .compose(
            (ResolvedSpec resolved) ->
                platform
                    .runs()
                    .submit(resolved, null, ProgressObserver.NONE, Promise.<RunOutcome>promise()))
        .compose(id -> recordOwner(ctx, SecurityStore.Owned.RUN, id))
        .onSuccess(
            id ->
                HttpSupport.json(ctx, 202, new JsonObject().put("id", id).put("status", "QUEUED")))
        .onFailure(ctx::fail);
  }

  /** Records the caller as the owner of what it just created ('local' is the column's default). */
  private Future<String> recordOwner(RoutingContext ctx, SecurityStore.Owned kind, String id) {
    String owner = Principal.of(ctx).owner();
    if (owner.equals("local")) {
      return Future.succeededFuture(id);
    }
    return vertx.executeBlocking(
        () -> {
          platform.security().setOwner(kind, id, owner);
          return id;
        },
        false);
  }

  private void requireRun(String id) {
    if (store().getRun(id).isEmpty()) {
      throw ApiException.notFound("no run with id '" + id + "'");
    }
  }

  private static RunStatus statusParam(RoutingContext ctx) {
    String raw = ctx.queryParams().get("status");
    if (raw == null) {
      return null;
    }
    try {
      return RunStatus.valueOf(raw.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "query parameter 'status': '"
              + raw
              + "' is not allowed; one of: "
              + Arrays.toString(RunStatus.values()));
    }
  }

  private void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    int status;
    String code;
    String message;
    if (t instanceof ApiException e) {
      status = e.status();
      code = e.code();
      message = e.getMessage();
    } else if (t instanceof SpecException e) {
      status = 400;
      code = "invalid_spec";
      message = e.getMessage();
    } else if (t == null && ctx.statusCode() > 0) {
      status = ctx.statusCode();
      code = status == 413 ? "too_large" : "http_" + status;
      Long limit = ctx.get(AuthHandler.BODY_LIMIT_KEY);
      message =
          status == 413
              ? "request body is larger than this route's limit of "
                  + (limit == null ? MAX_BODY_BYTES : limit)
                  + " bytes"
              : "request failed";
    } else {
      status = 500;
      code = "internal";
      message = "internal error; see the server log";
      LOG.error("request {} {} failed", ctx.request().method(), ctx.request().path(), t);
    }
    HttpSupport.json(
        ctx,
        status,
        new JsonObject()
            .put("error", new JsonObject().put("code", code).put("message", safe.clean(message))));
  }

  /** The upload budget of this server (requests in flight; tests and benchmarks read it). */
  public UploadBudget uploadBudget() {
    return uploads;
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
