package dev.cairn.server.sweep;

import dev.cairn.core.security.SecurityStore;
import dev.cairn.core.sweep.ParameterImportance;
import dev.cairn.core.sweep.SweepRecord;
import dev.cairn.core.sweep.SweepSpec;
import dev.cairn.core.sweep.SweepSpecParser;
import dev.cairn.core.sweep.SweepStatus;
import dev.cairn.core.sweep.SweepStore;
import dev.cairn.core.sweep.TrialRecord;
import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiException;
import dev.cairn.server.http.HttpSupport;
import dev.cairn.server.http.Principal;
import dev.cairn.server.http.RunLimits;
import dev.cairn.server.http.ServerLimits;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;

/**
 * REST endpoints of sweeps and the cluster (docs/api.md, "Sweeps"). Reads go to the sweep store on
 * a worker; starting and stopping go to the sweep controller over the event bus.
 */
public final class SweepRoutes {
  private final Vertx vertx;
  private final Platform platform;
  private final ServerLimits limits;

  private SweepRoutes(Vertx vertx, Platform platform, ServerLimits limits) {
    this.vertx = vertx;
    this.platform = platform;
    this.limits = limits;
  }

  /**
   * Adds the routes; call before the API's catch-all 404 route. Submitted sweeps are checked
   * against {@code limits}.
   */
  public static void mount(Router router, Vertx vertx, Platform platform, ServerLimits limits) {
    SweepRoutes r = new SweepRoutes(vertx, platform, limits);
    router.get("/api/sweeps").handler(r::list);
    router.post("/api/sweeps").handler(r::submit);
    router.get("/api/sweeps/:id").handler(r::detail);
    router.get("/api/sweeps/:id/trials").handler(r::trials);
    router.get("/api/sweeps/:id/importance").handler(r::importance);
    router.post("/api/sweeps/:id/stop").handler(r::stop);
    router.get("/api/cluster/workers").handler(r::workers);
  }

  private void list(RoutingContext ctx) {
    int limit = HttpSupport.intParam(ctx, "limit", 50, 1, 1000);
    String raw = ctx.queryParams().get("status");
    SweepStatus status;
    try {
      status = raw == null ? null : SweepStatus.valueOf(raw.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "query parameter 'status': '"
              + raw
              + "' is not allowed; one of: RUNNING, FINISHED, STOPPED");
    }
    HttpSupport.blocking(
        vertx,
        ctx,
        () -> {
          JsonArray out = new JsonArray();
          for (SweepRecord s : platform.sweeps().list(status, limit)) {
            out.add(
                SweepJson.sweep(s, platform.sweeps().allTrials(s.id()))
                    .put("owner", owner(s.id())));
          }
          return new JsonObject().put("sweeps", out);
        });
  }

  private String owner(String sweepId) {
    return platform.security().owner(SecurityStore.Owned.SWEEP, sweepId).orElse("local");
  }

  private SweepRecord require(String id) {
    return platform
        .sweeps()
        .find(id)
        .orElseThrow(() -> ApiException.notFound("no sweep with id '" + id + "'"));
  }

  private void detail(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    HttpSupport.blocking(
        vertx,
        ctx,
        () -> {
          SweepRecord s = require(id);
          List<TrialRecord> trials = platform.sweeps().allTrials(id);
          SweepSpec spec = SweepSpecParser.parse(s.sweepText(), s.baseText(), s.name());
          return SweepJson.sweep(s, trials)
              .put("owner", owner(id))
              .put("parameters", SweepJson.parameters(spec))
              .put(
                  "earlyTerminate",
                  spec.earlyTerminate() == null ? null : spec.earlyTerminate().type().label())
              .put("bestSoFar", SweepJson.bestSoFar(s, trials))
              .put("sweepText", s.sweepText())
              .put("baseText", s.baseText());
        });
  }

  private void trials(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    int limit = HttpSupport.intParam(ctx, "limit", SweepStore.MAX_PAGE, 1, SweepStore.MAX_PAGE);
    int offset = HttpSupport.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    HttpSupport.blocking(
        vertx,
        ctx,
        () -> {
          SweepRecord s = require(id);
          JsonArray out = new JsonArray();
          platform.sweeps().trials(id, limit, offset).forEach(t -> out.add(SweepJson.trial(t)));
          return new JsonObject()
              .put("sweepId", id)
              .put("metric", s.metric())
              .put("goal", s.goal().label())
              .put("trials", out);
        });
  }

  private void importance(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    HttpSupport.blocking(
        vertx,
        ctx,
        () -> {
          SweepRecord s = require(id);
          SweepSpec spec = SweepSpecParser.parse(s.sweepText(), s.baseText(), s.name());
          var histories =
              platform.sweeps().allTrials(id).stream().map(TrialRecord::history).toList();
          return SweepJson.importance(
                  ParameterImportance.evaluate(spec.parameters(), histories, s.seed()))
              .put("sweepId", id)
              .put("metric", s.metric());
        });
  }

  private void submit(RoutingContext ctx) {
    String body = ctx.body().asString();
    if (body == null || body.isBlank()) {
      throw ApiException.badRequest(
          "send the sweep as YAML (with the base spec inline under spec:) or as"
              + " {\"sweep\": \"<yaml>\", \"spec\": \"<yaml of the base spec>\"}");
    }
    JsonObject request = new JsonObject().put("sweepText", body).put("name", "api-sweep");
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      JsonObject json;
      try {
        json = new JsonObject(body);
      } catch (RuntimeException e) {
        throw ApiException.badRequest("body is not valid JSON: " + e.getMessage());
      }
      if (!(json.getValue("sweep") instanceof String sweepText)) {
        throw ApiException.badRequest(
            "JSON body needs a 'sweep' field holding the sweep's YAML text");
      }
      request
          .put("sweepText", sweepText)
          .put("baseText", HttpSupport.jsonString(json, "spec"))
          .put("runCap", HttpSupport.jsonInt(json, "runCap", 0, 0, 1_000_000))
          .put("parallel", HttpSupport.jsonInt(json, "parallel", 0, 0, 1024));
    }
    String owner = Principal.of(ctx).owner();
    request.put("owner", owner); // the controller records it before the first trial
    vertx
        .executeBlocking(
            () -> {
              checkLimits(request);
              RunLimits.checkQueued(platform, limits, owner);
              return request;
            },
            false)
        .compose(r -> vertx.eventBus().<JsonObject>request(SweepAddresses.SUBMIT, r))
        .compose(
            reply ->
                vertx.executeBlocking(
                    () -> {
                      String id = reply.body().getString("id");
                      if (id != null) {
                        platform.security().setOwner(SecurityStore.Owned.SWEEP, id, owner);
                      }
                      return reply.body().put("owner", owner);
                    },
                    false))
        .onSuccess(answer -> HttpSupport.json(ctx, 202, answer))
        .onFailure(e -> ctx.fail(fromBus(e)));
  }

  /**
   * Refuses the sweep before the controller stores it when a trial it can produce is beyond this
   * server's run limits; a sweep that does not parse is left to the controller, which names the
   * problem.
   */
  private void checkLimits(JsonObject request) {
    SweepSpec spec;
    try {
      spec =
          SweepSpecParser.parse(
                  request.getString("sweepText"),
                  request.getString("baseText"),
                  request.getString("name"))
              .withLimits(request.getInteger("runCap", 0), request.getInteger("parallel", 0));
    } catch (RuntimeException e) {
      return;
    }
    SweepLimits.check(platform, limits, spec);
  }

  private void stop(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    vertx
        .eventBus()
        .<JsonObject>request(SweepAddresses.STOP, new JsonObject().put("sweepId", id))
        .onSuccess(reply -> HttpSupport.json(ctx, 202, reply.body()))
        .onFailure(e -> ctx.fail(fromBus(e)));
  }

  private void workers(RoutingContext ctx) {
    vertx
        .eventBus()
        .<JsonObject>request(SweepAddresses.WORKERS, new JsonObject())
        .onSuccess(reply -> HttpSupport.json(ctx, 200, reply.body()))
        .onFailure(e -> ctx.fail(fromBus(e)));
  }

  private static Throwable fromBus(Throwable e) {
    if (e instanceof ReplyException r) {
      return switch (r.failureCode()) {
        case 400 -> new ApiException(400, "invalid_sweep", r.getMessage());
        case 404 -> ApiException.notFound(r.getMessage());
        default ->
            r.failureType() == ReplyFailure.NO_HANDLERS
                ? new ApiException(409, "conflict", "this server runs no sweep controller")
                : e;
      };
    }
    return e;
  }
}
