package dev.cairn.server.mlflow;

import dev.cairn.core.security.SecurityStore;
import dev.cairn.core.tracking.NewRun;
import dev.cairn.core.tracking.RunQuery;
import dev.cairn.core.tracking.RunRecord;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.Series;
import dev.cairn.core.tracking.SeriesSummary;
import dev.cairn.server.Platform;
import dev.cairn.server.bus.Addresses;
import dev.cairn.server.bus.MediaBatch;
import dev.cairn.server.bus.MediaWriterVerticle;
import dev.cairn.server.bus.MetricBatch;
import dev.cairn.server.http.ApiException;
import dev.cairn.server.http.HttpSupport;
import dev.cairn.server.http.MlflowPaths;
import dev.cairn.server.http.Principal;
import dev.cairn.server.json.JsonMapping;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MLflow's tracking API (experiments, runs, metrics) under {@code /api/2.0/mlflow}; the model
 * registry is {@link RegistryRoutes}. Request parsing happens on the event loop, JDBC on workers,
 * and metric and param writes go to the store writer verticles, which answer once they are durable.
 */
public final class MlflowRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(MlflowRoutes.class);
  public static final String PREFIX = MlflowPaths.PREFIX;

  /** MLflow's own request limit is 1 MB; a little slack for clients that count differently. */
  public static final long MAX_BODY_BYTES = MlflowPaths.MAX_BODY_BYTES;

  /** What Cairn records as a run's source (provenance "source"). */
  public static final String SOURCE = "mlflow";

  static final int MAX_KEY = 250;
  static final int MAX_PARAM_VALUE = 6000;
  static final int MAX_TAG_VALUE = 8000;
  static final int MAX_EXPERIMENT_TAG_VALUE = 5000;
  static final int MAX_BATCH_METRICS = 1000;
  static final int MAX_BATCH_PARAMS = 100;
  static final int MAX_BATCH_TAGS = 100;
  static final int MAX_BATCH_TOTAL = 1000;
  static final int MAX_SEARCH_RESULTS = 50_000;

  /** The tracking API's GET routes, relative to {@link #PREFIX}. */
  public static final List<String> READS = MlflowPaths.READS;

  /** POST routes that only read (searches with a JSON body). */
  public static final List<String> POST_READS = MlflowPaths.POST_READS;

  /** POST routes that write. */
  public static final List<String> WRITES = MlflowPaths.WRITES;

  final Vertx vertx;
  final Platform platform;
  final MlflowStore store;

  private MlflowRoutes(Vertx vertx, Platform platform) {
    this.vertx = vertx;
    this.platform = platform;
    this.store = new MlflowStore(platform.database());
  }

  /** Mounts the routes; call before the API's general body handler and failure handler. */
  public static void mount(Router router, Vertx vertx, Platform platform) {
    MlflowRoutes r = new MlflowRoutes(vertx, platform);
    router.route(PREFIX + "/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.route(PREFIX + "/*").failureHandler(MlflowRoutes::failure);
    Map<String, Handler<RoutingContext>> handlers = new LinkedHashMap<>();
    handlers.put("experiments/create", r::createExperiment);
    handlers.put("experiments/get", r::getExperiment);
    handlers.put("experiments/get-by-name", r::getExperimentByName);
    handlers.put("experiments/search", r::searchExperiments);
    handlers.put("experiments/update", r::updateExperiment);
    handlers.put("experiments/delete", ctx -> r.experimentStage(ctx, MlflowStore.DELETED));
    handlers.put("experiments/restore", ctx -> r.experimentStage(ctx, MlflowStore.ACTIVE));
    handlers.put("experiments/set-experiment-tag", r::setExperimentTag);
    handlers.put("experiments/delete-experiment-tag", r::deleteExperimentTag);
    handlers.put("runs/create", r::createRun);
    handlers.put("runs/get", r::getRun);
    handlers.put("runs/update", r::updateRun);
    handlers.put("runs/delete", ctx -> r.runStage(ctx, MlflowStore.DELETED));
    handlers.put("runs/restore", ctx -> r.runStage(ctx, MlflowStore.ACTIVE));
    handlers.put("runs/search", r::searchRuns);
    handlers.put("runs/log-metric", r::logMetric);
    handlers.put("runs/log-parameter", r::logParam);
    handlers.put("runs/log-batch", r::logBatch);
    handlers.put("runs/set-tag", r::setTag);
    handlers.put("runs/delete-tag", r::deleteTag);
    handlers.put("runs/log-inputs", r::logInputs);
    handlers.put("runs/log-model", r::logModel);
    handlers.put("metrics/get-history", r::metricHistory);
    handlers.put("metrics/get-history-bulk-interval", r::metricHistoryBulk);
    for (String read : READS) {
      router.get(PREFIX + "/" + read).handler(guard(handlers.get(read)));
    }
    for (String post : POST_READS) {
      router.post(PREFIX + "/" + post).handler(guard(handlers.get(post)));
    }
    for (String write : WRITES) {
      router.post(PREFIX + "/" + write).handler(guard(handlers.get(write)));
    }
    RegistryRoutes.mount(router, r);
    router
        .route(PREFIX + "/*")
        .handler(
            ctx ->
                ctx.fail(
                    new MlflowException(
                        "ENDPOINT_NOT_FOUND",
                        404,
                        "Cairn does not implement "
                            + ctx.request().method()
                            + " "
                            + ctx.request().path()
                            + "; see docs/mlflow.md")));
  }

  /** Parse errors thrown on the event loop become MLflow error answers. */
  static Handler<RoutingContext> guard(Handler<RoutingContext> h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    };
  }

  // ---- answers

  void answer(RoutingContext ctx, Callable<JsonObject> work) {
    vertx
        .executeBlocking(work, false)
        .onSuccess(j -> HttpSupport.json(ctx, 200, j))
        .onFailure(ctx::fail);
  }

  static void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    String code;
    int status;
    String message;
    if (t instanceof MlflowException e) {
      code = e.errorCode();
      status = e.status();
      message = e.getMessage();
    } else if (t instanceof ApiException e) {
      status = e.status();
      code =
          status == 404
              ? "ENDPOINT_NOT_FOUND"
              : status == 403
                  ? "PERMISSION_DENIED"
                  : status == 400 ? "INVALID_PARAMETER_VALUE" : "INTERNAL_ERROR";
      message = e.getMessage();
    } else if (t instanceof ReplyException e && e.failureCode() == 400) {
      status = 400;
      code = "INVALID_PARAMETER_VALUE";
      message = e.getMessage();
    } else if (t == null && ctx.statusCode() == 413) {
      status = 413;
      code = "INVALID_PARAMETER_VALUE";
      message =
          "the request body is larger than " + MAX_BODY_BYTES + " bytes; send smaller batches";
    } else if (t == null && ctx.statusCode() > 0 && ctx.statusCode() < 500) {
      status = ctx.statusCode();
      code = "BAD_REQUEST";
      message = "request failed with HTTP " + status;
    } else {
      status = 500;
      code = "INTERNAL_ERROR";
      message = "internal error; see the server log";
      LOG.error("MLflow request {} {} failed", ctx.request().method(), ctx.request().path(), t);
    }
    HttpSupport.json(ctx, status, new JsonObject().put("error_code", code).put("message", message));
  }

  // ---- experiments

  private void createExperiment(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = req.bounded("name", 255, true);
    String location = req.bounded("artifact_location", 4096, false);
    Map<String, String> tags = keyValues(req.objects("tags"), "tags", MAX_EXPERIMENT_TAG_VALUE);
    answer(
        ctx,
        () ->
            new JsonObject()
                .put("experiment_id", Long.toString(store.createExperiment(name, location, tags))));
  }

  private void getExperiment(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String id = req.required("experiment_id");
    answer(ctx, () -> new JsonObject().put("experiment", experimentJson(experiment(id))));
  }

  private void getExperimentByName(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = req.required("experiment_name");
    answer(
        ctx,
        () ->
            new JsonObject()
                .put(
                    "experiment",
                    experimentJson(
                        store
                            .experimentByName(name)
                            .orElseThrow(
                                () ->
                                    MlflowException.missing(
                                        "Could not find experiment with name '" + name + "'")))));
  }

  MlflowStore.Experiment experiment(String id) {
    long n;
    try {
      n = Long.parseLong(id.trim());
    } catch (NumberFormatException e) {
      throw MlflowException.invalid(
          "Invalid value '"
              + id
              + "' for parameter 'experiment_id': experiment ids are numeric strings");
    }
    return store
        .experiment(n)
        .orElseThrow(() -> MlflowException.missing("No Experiment with id=" + id + " exists"));
  }

  static JsonObject experimentJson(MlflowStore.Experiment e) {
    return new JsonObject()
        .put("experiment_id", Long.toString(e.id()))
        .put("name", e.name())
        .put(
            "artifact_location",
            e.artifactLocation() == null ? "mlflow-artifacts:/" + e.id() : e.artifactLocation())
        .put("lifecycle_stage", e.stage())
        .put("last_update_time", e.lastUpdate())
        .put("creation_time", e.creationTime())
        .put("tags", keyValueArray(e.tags()));
  }

  private void searchExperiments(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    int max = req.intValue("max_results", 1000, 1, MAX_SEARCH_RESULTS);
    int offset = offset(req.string("page_token"));
    String view = viewType(req.string("view_type"), "view_type");
    List<Filters.Clause> clauses = Filters.parse(req.string("filter"));
    for (Filters.Clause c : clauses) {
      if (c.type().equals(Filters.ATTRIBUTE)) {
        if (!List.of("name", "creation_time", "last_update_time", "experiment_id")
            .contains(c.key())) {
          throw MlflowException.invalid(
              "Invalid attribute key '"
                  + c.key()
                  + "' specified. Valid keys are"
                  + " [name, creation_time, last_update_time, experiment_id]");
        }
        Filters.check(c, !c.key().equals("name") && !c.key().equals("experiment_id"));
      } else if (c.type().equals(Filters.TAG)) {
        Filters.check(c, false);
      } else {
        throw MlflowException.invalid(
            "Invalid entity type '"
                + c.type()
                + "' in an experiment filter; allowed: attribute, tag");
      }
    }
    List<Filters.Order> orders = Filters.orderBy(req.strings("order_by"));
    for (Filters.Order o : orders) {
      if (!o.type().equals(Filters.ATTRIBUTE)
          || !List.of("name", "creation_time", "last_update_time", "experiment_id")
              .contains(o.key())) {
        throw MlflowException.invalid(
            "Invalid order_by entity '"
                + o.type()
                + "."
                + o.key()
                + "'; experiments order by name, creation_time, last_update_time or experiment_id");
      }
    }
    answer(
        ctx,
        () -> {
          Predicate<MlflowStore.Experiment> wanted =
              e ->
                  stageMatches(view, e.stage())
                      && clauses.stream()
                          .allMatch(
                              c ->
                                  Filters.matches(
                                      c,
                                      c.type().equals(Filters.TAG)
                                          ? e.tags().get(c.key())
                                          : experimentAttribute(e, c.key())));
          Comparator<MlflowStore.Experiment> cmp = null;
          for (Filters.Order o : orders) {
            Comparator<MlflowStore.Experiment> next =
                nullsLast(e -> experimentAttribute(e, o.key()), o.ascending());
            cmp = cmp == null ? next : cmp.thenComparing(next);
          }
          Comparator<MlflowStore.Experiment> dflt =
              Comparator.comparingLong(MlflowStore.Experiment::creationTime)
                  .reversed()
                  .thenComparing(Comparator.comparingLong(MlflowStore.Experiment::id));
          // The store scans by id; no experiment order is the id order, so every row is seen.
          PageCollector<MlflowStore.Experiment> page =
              new PageCollector<>(
                  wanted, cmp == null ? dflt : cmp.thenComparing(dflt), false, offset, max);
          store.scanExperiments(page);
          return page.answer("experiments", MlflowRoutes::experimentJson);
        });
  }

  private static Object experimentAttribute(MlflowStore.Experiment e, String key) {
    return switch (key) {
      case "name" -> e.name();
      case "experiment_id" -> Long.toString(e.id());
      case "creation_time" -> (double) e.creationTime();
      case "last_update_time" -> (double) e.lastUpdate();
      default -> null;
    };
  }

  private void updateExperiment(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String id = req.required("experiment_id");
    String newName = req.bounded("new_name", 255, false);
    answer(
        ctx,
        () -> {
          MlflowStore.Experiment e = experiment(id);
          if (newName != null && !newName.isBlank() && !newName.equals(e.name())) {
            store.renameExperiment(e, newName);
          }
          return new JsonObject();
        });
  }

  private void experimentStage(RoutingContext ctx, String stage) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String id = req.required("experiment_id");
    answer(
        ctx,
        () -> {
          MlflowStore.Experiment e = experiment(id);
          store.setExperimentStage(e, stage);
          // MLflow deletes and restores an experiment's runs with it
          for (RunRecord r : runsOf(e.name())) {
            store.setRunStage(r.id(), stage);
          }
          return new JsonObject();
        });
  }

  private void setExperimentTag(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String id = req.required("experiment_id");
    String key = req.bounded("key", MAX_KEY, true);
    String value = req.bounded("value", MAX_EXPERIMENT_TAG_VALUE, false);
    answer(
        ctx,
        () -> {
          MlflowStore.Experiment e = experiment(id);
          requireActive(e);
          store.setExperimentTag(e.id(), key, value == null ? "" : value);
          return new JsonObject();
        });
  }

  private void deleteExperimentTag(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String id = req.required("experiment_id");
    String key = req.required("key");
    answer(
        ctx,
        () -> {
          MlflowStore.Experiment e = experiment(id);
          requireActive(e);
          if (!store.deleteExperimentTag(e.id(), key)) {
            throw MlflowException.missing(
                "No tag with name: " + key + " in experiment with id " + id);
          }
          return new JsonObject();
        });
  }

  private static void requireActive(MlflowStore.Experiment e) {
    if (!e.stage().equals(MlflowStore.ACTIVE)) {
      throw MlflowException.invalid(
          "The experiment "
              + e.id()
              + " must be in the 'active' state. Current state is "
              + e.stage()
              + ".");
    }
  }

  List<RunRecord> runsOf(String experimentName) {
    List<RunRecord> out = new ArrayList<>();
    String token = null;
    do {
      var page = platform.store().listRuns(new RunQuery(experimentName, null, 1000, token));
      out.addAll(page.items());
      token = page.nextPageToken();
    } while (token != null);
    return out;
  }

  // ---- runs

  private void createRun(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String expId =
        req.required("experiment_id"); // MLflow's clients always send one ("0" is Default)
    String userId = req.bounded("user_id", 256, false);
    String runName = req.bounded("run_name", 250, false);
    Map<String, String> tags = keyValues(req.objects("tags"), "tags", MAX_TAG_VALUE);
    if (runName == null) {
      runName = tags.get("mlflow.runName");
    }
    String name = runName == null || runName.isBlank() ? "run" : runName;
    tags.put("mlflow.runName", name);
    if (userId != null && !tags.containsKey("mlflow.user")) {
      tags.put("mlflow.user", userId);
    }
    String agent = ctx.request().getHeader("User-Agent");
    String owner = Principal.of(ctx).owner();
    vertx
        .executeBlocking(
            () -> {
              MlflowStore.Experiment e = experiment(expId);
              requireActive(e);
              return e;
            },
            false)
        .compose(
            e -> {
              Map<String, String> provenance = new LinkedHashMap<>();
              provenance.put("source", SOURCE);
              if (agent != null && !agent.isBlank()) {
                provenance.put("client", agent.length() > 200 ? agent.substring(0, 200) : agent);
              }
              NewRun run = new NewRun(e.name(), name, "", "", 0, "client", provenance, Map.of());
              return vertx
                  .eventBus()
                  .<JsonObject>request(Addresses.CREATE_RUN, JsonMapping.toJson(run));
            })
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
                          .put("device", "client"))
                  .map(id);
            })
        .compose(
            id ->
                vertx.executeBlocking(
                    () -> {
                      store.setRunTags(id, tags);
                      if (!owner.equals("local")) {
                        platform.security().setOwner(SecurityStore.Owned.RUN, id, owner);
                      }
                      return new JsonObject().put("run", runJson(run(id), true));
                    },
                    false))
        .onSuccess(j -> HttpSupport.json(ctx, 200, j))
        .onFailure(ctx::fail);
  }

  static String runId(MlflowRequest req) {
    String id = req.string("run_id");
    if (id == null || id.isEmpty()) {
      id = req.string("run_uuid");
    }
    if (id == null || id.isEmpty()) {
      throw MlflowException.invalid("Missing value for required parameter 'run_id'.");
    }
    return id;
  }

  RunRecord run(String id) {
    return platform
        .store()
        .getRun(id)
        .orElseThrow(() -> MlflowException.missing("Run with id=" + id + " not found"));
  }

  private void getRun(RoutingContext ctx) {
    String id = runId(MlflowRequest.of(ctx));
    answer(ctx, () -> new JsonObject().put("run", runJson(run(id), true)));
  }

  /** A run in MLflow's form: info, data (latest metrics, params, tags) and inputs. */
  JsonObject runJson(RunRecord r, boolean exactMetricTimes) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("mlflow.runName", r.name());
    tags.putAll(store.runTags(r.id()));
    JsonArray metrics = new JsonArray();
    for (SeriesSummary s : platform.store().series(r.id())) {
      long timestamp =
          r.endedAt() != null ? r.endedAt().toEpochMilli() : System.currentTimeMillis();
      if (exactMetricTimes) {
        Series last = platform.store().readSeries(r.id(), s.tag(), 2).orElse(null);
        if (last != null && last.size() > 0) {
          timestamp = last.wallTimes()[last.size() - 1];
        }
      }
      metrics.add(metric(s.tag(), s.lastValue(), timestamp, s.lastStep()));
    }
    JsonObject data =
        new JsonObject()
            .put("metrics", metrics)
            .put("params", keyValueArray(platform.store().params(r.id())))
            .put("tags", keyValueArray(tags));
    return new JsonObject()
        .put("info", runInfo(r, store.runStage(r.id()), tags))
        .put("data", data)
        .put("inputs", new JsonObject().put("dataset_inputs", store.inputs(r.id())));
  }

  JsonObject runInfo(RunRecord r, String stage, Map<String, String> tags) {
    String experimentId =
        store.experimentByName(r.experiment()).map(e -> Long.toString(e.id())).orElse("0");
    JsonObject info =
        new JsonObject()
            .put("run_id", r.id())
            .put("run_uuid", r.id())
            .put("run_name", r.name())
            .put("experiment_id", experimentId)
            .put("user_id", tags.getOrDefault("mlflow.user", r.owner()))
            .put("status", status(r.status()))
            .put(
                "start_time",
                (r.startedAt() != null ? r.startedAt() : r.createdAt()).toEpochMilli())
            .put("artifact_uri", "mlflow-artifacts:/" + experimentId + "/" + r.id() + "/artifacts")
            .put("lifecycle_stage", stage);
    if (r.endedAt() != null) {
      info.put("end_time", r.endedAt().toEpochMilli());
    }
    return info;
  }

  static String status(RunStatus s) {
    return switch (s) {
      case QUEUED -> "SCHEDULED";
      case RUNNING -> "RUNNING";
      case FINISHED -> "FINISHED";
      case FAILED -> "FAILED";
      case KILLED, PRUNED -> "KILLED";
    };
  }

  static JsonObject metric(String key, double value, long timestamp, long step) {
    JsonObject m = new JsonObject().put("key", key);
    if (Double.isFinite(value)) {
      m.put("value", value);
    } else {
      m.put("value", Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }
    return m.put("timestamp", timestamp).put("step", step);
  }

  private void updateRun(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String id = runId(req);
    String rawStatus = req.string("status");
    String runName = req.bounded("run_name", 250, false);
    RunStatus target =
        rawStatus == null
            ? null
            : switch (rawStatus) {
              case "RUNNING" -> RunStatus.RUNNING;
              case "SCHEDULED" -> RunStatus.QUEUED;
              case "FINISHED" -> RunStatus.FINISHED;
              case "FAILED" -> RunStatus.FAILED;
              case "KILLED" -> RunStatus.KILLED;
              default ->
                  throw MlflowException.invalid(
                      "Invalid value '"
                          + rawStatus
                          + "' for parameter 'status'; allowed: RUNNING, SCHEDULED, FINISHED, FAILED, KILLED");
            };
    vertx
        .executeBlocking(() -> writableRun(id, false), false)
        .compose(
            r -> {
              if (target == null || target == r.status()) {
                return Future.succeededFuture();
              }
              if (target.terminal() && !r.status().terminal()) {
                return vertx
                    .eventBus()
                    .request(
                        Addresses.RUN_STATE,
                        new JsonObject()
                            .put("runId", id)
                            .put("status", target.name())
                            .put(
                                "message",
                                target == RunStatus.FINISHED
                                    ? null
                                    : "set " + target + " by its MLflow client"))
                    .mapEmpty();
              }
              if (target == RunStatus.RUNNING
                  && (r.status() == RunStatus.FAILED || r.status() == RunStatus.KILLED)) {
                return reopen(id);
              }
              return Future.failedFuture(
                  MlflowException.invalid(
                      "Run '"
                          + id
                          + "' is "
                          + status(r.status())
                          + "; Cairn cannot set it to "
                          + rawStatus
                          + " (a run ends once; a FAILED or KILLED run may be set RUNNING again)"));
            })
        .compose(
            x ->
                vertx.executeBlocking(
                    () -> {
                      if (runName != null && !runName.isBlank()) {
                        store.renameRun(id, runName);
                        store.setRunTags(id, Map.of("mlflow.runName", runName));
                      }
                      RunRecord r = run(id);
                      return new JsonObject()
                          .put("run_info", runInfo(r, store.runStage(id), store.runTags(id)));
                    },
                    false))
        .onSuccess(j -> HttpSupport.json(ctx, 200, j))
        .onFailure(ctx::fail);
  }

  private Future<Void> reopen(String id) {
    return vertx
        .eventBus()
        .request(
            Addresses.RUN_STATE,
            new JsonObject()
                .put("runId", id)
                .put("status", RunStatus.RUNNING.name())
                .put("device", "client")
                .put("reopen", true))
        .mapEmpty();
  }

  private void runStage(RoutingContext ctx, String stage) {
    String id = runId(MlflowRequest.of(ctx));
    answer(
        ctx,
        () -> {
          run(id);
          store.setRunStage(id, stage);
          return new JsonObject();
        });
  }

  /**
   * The run, when MLflow may write to it: it exists and is active, and (for metrics and params) an
   * MLflow client created it; Cairn-trained runs take only tags from MLflow.
   */
  RunRecord writableRun(String id, boolean data) {
    RunRecord r = run(id);
    String stage = store.runStage(id);
    if (!stage.equals(MlflowStore.ACTIVE)) {
      throw MlflowException.invalid(
          "The run " + id + " must be in the 'active' state. Current state is " + stage + ".");
    }
    if (data && !SOURCE.equals(r.provenance().get("source"))) {
      throw MlflowException.invalid(
          "Run "
              + id
              + " was not created by an MLflow client (its source is '"
              + r.provenance().getOrDefault("source", "cairn-trainer")
              + "'); MLflow may set its tags but not log metrics or params");
    }
    return r;
  }

  /**
   * A run the server marked FAILED when it restarted is RUNNING again on its client's next write.
   */
  private Future<Void> revive(RunRecord r) {
    if (r.status() == RunStatus.FAILED && Platform.ABANDONED_MESSAGE.equals(r.message())) {
      return reopen(r.id());
    }
    return Future.succeededFuture();
  }

  private void logMetric(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String id = runId(req);
    String key = req.bounded("key", MAX_KEY, true);
    if (!req.has("value")) {
      throw MlflowException.invalid("Missing value for required parameter 'value'.");
    }
    JsonObject m =
        new JsonObject()
            .put("key", key)
            .put("value", req.string("value"))
            .put("timestamp", req.string("timestamp"))
            .put("step", req.string("step"));
    List<ScalarPoint> points = points(id, List.of(m));
    write(ctx, id, points, Map.of(), Map.of());
  }

  private void logParam(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String id = runId(req);
    String key = req.bounded("key", MAX_KEY, true);
    String value = req.bounded("value", MAX_PARAM_VALUE, false);
    write(ctx, id, List.of(), Map.of(key, value == null ? "" : value), Map.of());
  }

  /** A checked log-batch request. */
  private record Batch(
      String runId,
      List<ScalarPoint> points,
      Map<String, String> params,
      Map<String, String> tags) {}

  private void logBatch(RoutingContext ctx) {
    // up to 1,000 metrics: parsed and checked on a worker, not on the event loop
    vertx
        .executeBlocking(() -> batch(ctx), false)
        .onSuccess(b -> write(ctx, b.runId(), b.points(), b.params(), b.tags()))
        .onFailure(ctx::fail);
  }

  private static Batch batch(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String id = runId(req);
    List<JsonObject> metrics = req.objects("metrics");
    List<JsonObject> params = req.objects("params");
    List<JsonObject> tags = req.objects("tags");
    if (metrics.size() > MAX_BATCH_METRICS) {
      throw MlflowException.invalid(
          "A batch logging request can contain at most "
              + MAX_BATCH_METRICS
              + " metrics. Got "
              + metrics.size()
              + " metrics. Please split up metrics across multiple requests and try again.");
    }
    if (params.size() > MAX_BATCH_PARAMS) {
      throw MlflowException.invalid(
          "A batch logging request can contain at most "
              + MAX_BATCH_PARAMS
              + " params. Got "
              + params.size()
              + " params. Please split up params across multiple requests and try again.");
    }
    if (tags.size() > MAX_BATCH_TAGS) {
      throw MlflowException.invalid(
          "A batch logging request can contain at most "
              + MAX_BATCH_TAGS
              + " tags. Got "
              + tags.size()
              + " tags. Please split up tags across multiple requests and try again.");
    }
    int total = metrics.size() + params.size() + tags.size();
    if (total > MAX_BATCH_TOTAL) {
      throw MlflowException.invalid(
          "A batch logging request can contain at most "
              + MAX_BATCH_TOTAL
              + " metrics, params and tags in total. Got "
              + total
              + ". Please split up the batch and try again.");
    }
    List<ScalarPoint> points = points(id, metrics);
    Map<String, String> paramMap = new LinkedHashMap<>();
    for (int i = 0; i < params.size(); i++) {
      JsonObject p = params.get(i);
      String key = string(p, "key", "params[" + i + "].key", MAX_KEY, true);
      String value = string(p, "value", "params[" + i + "].value", MAX_PARAM_VALUE, false);
      value = value == null ? "" : value;
      String before = paramMap.put(key, value);
      if (before != null && !before.equals(value)) {
        throw MlflowException.invalid(
            "Duplicate parameter keys have been submitted: param '"
                + key
                + "' is given twice with different values ('"
                + before
                + "' and '"
                + value
                + "')");
      }
    }
    Map<String, String> tagMap = keyValues(tags, "tags", MAX_TAG_VALUE);
    return new Batch(id, points, paramMap, tagMap);
  }

  /** Checks and converts MLflow metrics; sorted by key and step, as Cairn's series take them. */
  static List<ScalarPoint> points(String runId, List<JsonObject> metrics) {
    List<ScalarPoint> points = new ArrayList<>(metrics.size());
    for (int i = 0; i < metrics.size(); i++) {
      JsonObject m = metrics.get(i);
      String where = "metrics[" + i + "]";
      String key = string(m, "key", where + ".key", MAX_KEY, true);
      if (m.getValue("value") == null) {
        throw MlflowException.invalid(
            "Missing value for required parameter '" + where + ".value'.");
      }
      double value = MlflowRequest.toDouble(m.getValue("value"), where + ".value");
      Long timestamp = MlflowRequest.toLong(m.getValue("timestamp"), where + ".timestamp");
      if (timestamp == null) {
        throw MlflowException.invalid(
            "Missing value for required parameter '" + where + ".timestamp'.");
      }
      Long step = MlflowRequest.toLong(m.getValue("step"), where + ".step");
      long s = step == null ? 0 : step;
      if (s < 0) {
        throw MlflowException.invalid(
            "Invalid value " + s + " for parameter '" + where + ".step': Cairn's steps are >= 0");
      }
      for (int c = 0; c < key.length(); c++) {
        if (Character.isISOControl(key.charAt(c))) {
          throw MlflowException.invalid(
              "Invalid value for parameter '"
                  + where
                  + ".key': control characters are not allowed");
        }
      }
      points.add(new ScalarPoint(runId, key, s, timestamp, value));
    }
    points.sort(
        Comparator.comparing(ScalarPoint::tag)
            .thenComparingLong(ScalarPoint::step)
            .thenComparingLong(ScalarPoint::wallTimeMillis));
    return points;
  }

  /**
   * Checks the run and the params (a logged param cannot change), then writes params, metrics and
   * tags.
   */
  private void write(
      RoutingContext ctx,
      String id,
      List<ScalarPoint> points,
      Map<String, String> params,
      Map<String, String> tags) {
    boolean data = !points.isEmpty() || !params.isEmpty();
    vertx
        .executeBlocking(
            () -> {
              RunRecord r = writableRun(id, data);
              if (!params.isEmpty()) {
                Map<String, String> logged = platform.store().params(id);
                for (var p : params.entrySet()) {
                  String before = logged.get(p.getKey());
                  if (before != null && !before.equals(p.getValue())) {
                    throw MlflowException.invalid(
                        "Changing param values is not allowed. Param with key='"
                            + p.getKey()
                            + "' was already logged with value='"
                            + before
                            + "' for run ID='"
                            + id
                            + "'. Attempted logging new value '"
                            + p.getValue()
                            + "'.");
                  }
                }
              }
              return r;
            },
            false)
        .compose(r -> data ? revive(r) : Future.succeededFuture())
        .compose(
            x ->
                params.isEmpty()
                    ? Future.succeededFuture()
                    : vertx
                        .eventBus()
                        .request(
                            MediaWriterVerticle.ADDRESS_DURABLE,
                            new MediaBatch(List.of(), id, params))
                        .mapEmpty())
        .compose(
            x ->
                points.isEmpty()
                    ? Future.succeededFuture()
                    : vertx
                        .eventBus()
                        .request(Addresses.METRICS_DURABLE, new MetricBatch(points))
                        .mapEmpty())
        .compose(
            x ->
                tags.isEmpty()
                    ? Future.succeededFuture()
                    : vertx.executeBlocking(
                        () -> {
                          applyTags(id, tags);
                          return null;
                        },
                        false))
        .onSuccess(x -> HttpSupport.json(ctx, 200, new JsonObject()))
        .onFailure(
            t ->
                ctx.fail(
                    t instanceof ReplyException e && e.failureCode() == 503
                        ? new MlflowException("TEMPORARILY_UNAVAILABLE", 503, e.getMessage())
                        : t));
  }

  private void applyTags(String id, Map<String, String> tags) {
    store.setRunTags(id, tags);
    String name = tags.get("mlflow.runName");
    if (name != null && !name.isBlank()) {
      store.renameRun(id, name.length() > 250 ? name.substring(0, 250) : name);
    }
  }

  private void setTag(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String id = runId(req);
    String key = req.bounded("key", MAX_KEY, true);
    String value = req.bounded("value", MAX_TAG_VALUE, false);
    write(ctx, id, List.of(), Map.of(), Map.of(key, value == null ? "" : value));
  }

  private void deleteTag(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String id = runId(req);
    String key = req.required("key");
    answer(
        ctx,
        () -> {
          writableRun(id, false);
          if (!store.deleteRunTag(id, key)) {
            throw MlflowException.missing("No tag with name: " + key + " in run with id " + id);
          }
          return new JsonObject();
        });
  }

  private void logInputs(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String id = runId(req);
    List<JsonObject> datasets = req.objects("datasets");
    List<JsonObject> clean = new ArrayList<>();
    for (int i = 0; i < datasets.size(); i++) {
      String where = "datasets[" + i + "]";
      JsonObject input = datasets.get(i);
      if (!(input.getValue("dataset") instanceof JsonObject d)) {
        throw MlflowException.invalid(
            "Missing value for required parameter '" + where + ".dataset'.");
      }
      JsonObject ds =
          new JsonObject()
              .put("name", string(d, "name", where + ".dataset.name", 500, true))
              .put("digest", string(d, "digest", where + ".dataset.digest", 36, true))
              .put(
                  "source_type", string(d, "source_type", where + ".dataset.source_type", 36, true))
              .put("source", string(d, "source", where + ".dataset.source", 65_536, true))
              .put("schema", string(d, "schema", where + ".dataset.schema", 1_048_576, false))
              .put("profile", string(d, "profile", where + ".dataset.profile", 16_384, false));
      JsonArray tags = new JsonArray();
      keyValues(
              input.getValue("tags") instanceof JsonArray a
                  ? objects(a, where + ".tags")
                  : List.of(),
              where + ".tags",
              500)
          .forEach((k, v) -> tags.add(new JsonObject().put("key", k).put("value", v)));
      clean.add(new JsonObject().put("dataset", ds).put("tags", tags));
    }
    answer(
        ctx,
        () -> {
          writableRun(id, false);
          if (!clean.isEmpty()) {
            store.addInputs(id, clean);
          }
          return new JsonObject();
        });
  }

  /**
   * log-model: MLflow's server keeps the MLmodel descriptions a run logged in its tag {@code
   * mlflow.log-model.history}, a JSON list; so does Cairn (the oldest entries give way when the
   * list outgrows a tag value).
   */
  private void logModel(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String id = runId(req);
    String text = req.required("model_json");
    JsonObject model;
    try {
      model = new JsonObject(text);
    } catch (RuntimeException e) {
      throw MlflowException.invalid("Invalid value for parameter 'model_json': not a JSON object");
    }
    answer(
        ctx,
        () -> {
          writableRun(id, false);
          String before = store.runTags(id).get(HISTORY_TAG);
          JsonArray history;
          try {
            history = before == null ? new JsonArray() : new JsonArray(before);
          } catch (RuntimeException e) {
            history = new JsonArray();
          }
          history.add(model);
          while (history.size() > 1 && history.encode().length() > MAX_TAG_VALUE) {
            history.remove(0);
          }
          if (history.encode().length() > MAX_TAG_VALUE) {
            throw MlflowException.invalid(
                "'model_json' is "
                    + text.length()
                    + " characters; Cairn keeps at most "
                    + MAX_TAG_VALUE
                    + " in the run's "
                    + HISTORY_TAG
                    + " tag");
          }
          store.setRunTags(id, Map.of(HISTORY_TAG, history.encode()));
          return new JsonObject();
        });
  }

  static final String HISTORY_TAG = "mlflow.log-model.history";

  // ---- search

  private void searchRuns(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    List<String> experimentIds = req.strings("experiment_ids");
    int max = req.intValue("max_results", 1000, 1, MAX_SEARCH_RESULTS);
    int offset = offset(req.string("page_token"));
    String view = viewType(req.string("run_view_type"), "run_view_type");
    RunSearch search =
        new RunSearch(
            Filters.parse(req.string("filter")), Filters.orderBy(req.strings("order_by")));
    for (String e : experimentIds) {
      if (!e.trim().matches("\\d{1,18}")) {
        throw MlflowException.invalid(
            "Invalid value '" + e + "' in 'experiment_ids': experiment ids are numeric strings");
      }
    }
    answer(
        ctx,
        () -> {
          Set<String> deleted = store.deletedRuns();
          List<RunSearch.Candidate> candidates = new ArrayList<>();
          for (String raw : experimentIds) {
            MlflowStore.Experiment e = store.experiment(Long.parseLong(raw.trim())).orElse(null);
            if (e == null) {
              continue;
            }
            for (RunRecord r : runsOf(e.name())) {
              String stage = deleted.contains(r.id()) ? MlflowStore.DELETED : MlflowStore.ACTIVE;
              if (stageMatches(view, stage)) {
                candidates.add(new RunSearch.Candidate(this, r, e.id(), stage));
              }
            }
          }
          List<RunSearch.Candidate> found = search.run(candidates);
          JsonArray runs = new JsonArray();
          found.stream().skip(offset).limit(max).forEach(c -> runs.add(runJson(c.run(), true)));
          return page(new JsonObject().put("runs", runs), offset, max, found.size());
        });
  }

  // ---- metric history

  private void metricHistory(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String id = runId(req);
    String key = req.required("metric_key");
    int max = req.intValue("max_results", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
    int offset = offset(req.string("page_token"));
    answer(
        ctx,
        () -> {
          run(id);
          JsonArray out = new JsonArray();
          Series s = platform.store().readSeries(id, key, 0).orElse(null);
          int total = s == null ? 0 : s.size();
          for (int i = offset; i < total && out.size() < max; i++) {
            out.add(metric(key, s.values()[i], s.wallTimes()[i], s.steps()[i]));
          }
          return page(new JsonObject().put("metrics", out), offset, max, total);
        });
  }

  private void metricHistoryBulk(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    List<String> runIds = req.strings("run_ids");
    if (runIds.isEmpty()) {
      throw MlflowException.invalid("Missing value for required parameter 'run_ids'.");
    }
    if (runIds.size() > 100) {
      throw MlflowException.invalid(
          "GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received "
              + runIds.size()
              + " run_ids.");
    }
    String key = req.required("metric_key");
    long start = req.longValue("start_step", Long.MIN_VALUE);
    long end = req.longValue("end_step", Long.MAX_VALUE);
    if (start > end) {
      throw MlflowException.invalid(
          "'start_step' (" + start + ") must be at most 'end_step' (" + end + ")");
    }
    int max = req.intValue("max_results", 100, 1, 2500);
    answer(
        ctx,
        () -> {
          JsonArray out = new JsonArray();
          for (String id : runIds) {
            run(id);
            Series s = platform.store().readSeries(id, key, 0).orElse(null);
            if (s == null) {
              continue;
            }
            List<Integer> inRange = new ArrayList<>();
            for (int i = 0; i < s.size(); i++) {
              if (s.steps()[i] >= start && s.steps()[i] <= end) {
                inRange.add(i);
              }
            }
            // evenly spaced points, always with the first and the last
            int n = inRange.size();
            int take = Math.min(n, max);
            int previous = -1;
            for (int k = 0; k < take; k++) {
              int idx =
                  inRange.get(
                      take == 1 ? n - 1 : (int) Math.round((double) k * (n - 1) / (take - 1)));
              if (idx == previous) {
                continue;
              }
              previous = idx;
              out.add(
                  metric(key, s.values()[idx], s.wallTimes()[idx], s.steps()[idx])
                      .put("run_id", id));
            }
          }
          return new JsonObject().put("metrics", out);
        });
  }

  // ---- shared parsing

  static boolean stageMatches(String view, String stage) {
    return view.equals("ALL") || (view.equals("ACTIVE_ONLY") == stage.equals(MlflowStore.ACTIVE));
  }

  static String viewType(String raw, String field) {
    if (raw == null || raw.isBlank()) {
      return "ACTIVE_ONLY";
    }
    return switch (raw.trim().toUpperCase(Locale.ROOT)) {
      case "ACTIVE_ONLY", "1" -> "ACTIVE_ONLY";
      case "DELETED_ONLY", "2" -> "DELETED_ONLY";
      case "ALL", "3" -> "ALL";
      default ->
          throw MlflowException.invalid(
              "Invalid value '"
                  + raw
                  + "' for parameter '"
                  + field
                  + "'; allowed: ACTIVE_ONLY, DELETED_ONLY, ALL");
    };
  }

  /** Page tokens are base64 of {"offset": N}, as MLflow's own. */
  static int offset(String token) {
    if (token == null || token.isBlank()) {
      return 0;
    }
    try {
      JsonObject o =
          new JsonObject(
              new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8));
      int offset = o.getInteger("offset");
      if (offset < 0) {
        throw new IllegalArgumentException();
      }
      return offset;
    } catch (RuntimeException e) {
      throw MlflowException.invalid(
          "Invalid page token '" + token + "'; pass the next_page_token of the previous answer");
    }
  }

  static JsonObject page(JsonObject out, int offset, int max, int total) {
    long next = (long) offset + max;
    if (next < total) {
      out.put(
          "next_page_token",
          Base64.getUrlEncoder()
              .encodeToString(
                  new JsonObject().put("offset", next).encode().getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  static String string(JsonObject o, String field, String where, int max, boolean required) {
    Object v = o.getValue(field);
    if (v == null) {
      if (required) {
        throw MlflowException.invalid("Missing value for required parameter '" + where + "'.");
      }
      return null;
    }
    String s =
        v instanceof String str
            ? str
            : (v instanceof Number || v instanceof Boolean) ? String.valueOf(v) : null;
    if (s == null) {
      throw MlflowException.invalid(
          "Invalid value for parameter '" + where + "': expected a string");
    }
    if (required && s.isEmpty()) {
      throw MlflowException.invalid("Missing value for required parameter '" + where + "'.");
    }
    if (s.length() > max) {
      throw MlflowException.invalid(
          "'"
              + where
              + "' exceeds the maximum length of "
              + max
              + " characters (got "
              + s.length()
              + ")");
    }
    return s;
  }

  static List<JsonObject> objects(JsonArray a, String where) {
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof JsonObject o)) {
        throw MlflowException.invalid(
            "Invalid value for parameter '" + where + "[" + i + "]': expected an object");
      }
      out.add(o);
    }
    return out;
  }

  /** MLflow's [{key, value}] lists as a map; the last value of a repeated key wins. */
  static Map<String, String> keyValues(List<JsonObject> items, String field, int maxValue) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i++) {
      JsonObject t = items.get(i);
      String key = string(t, "key", field + "[" + i + "].key", MAX_KEY, true);
      String value = string(t, "value", field + "[" + i + "].value", maxValue, false);
      out.put(key, value == null ? "" : value);
    }
    return out;
  }

  static JsonArray keyValueArray(Map<String, String> map) {
    JsonArray out = new JsonArray();
    map.forEach((k, v) -> out.add(new JsonObject().put("key", k).put("value", v)));
    return out;
  }

  /**
   * A comparator over a possibly missing value (Double or String); missing values sort last either
   * way.
   */
  static <T> Comparator<T> nullsLast(Function<T, Object> key, boolean ascending) {
    return (a, b) -> {
      Object x = key.apply(a);
      Object y = key.apply(b);
      if (x == null || y == null) {
        return x == null ? (y == null ? 0 : 1) : -1;
      }
      int c;
      if (x instanceof Double dx && y instanceof Double dy) {
        c = Double.compare(dx, dy);
      } else {
        c = x.toString().compareTo(y.toString());
      }
      return ascending ? c : -c;
    };
  }
}
