package dev.cairn.server.http;

import dev.cairn.core.security.SecurityStore;
import dev.cairn.core.onnx.ExportResult;
import dev.cairn.core.onnx.ImageTensors;
import dev.cairn.core.onnx.LoadedModel;
import dev.cairn.core.onnx.OnnxJson;
import dev.cairn.core.onnx.OnnxModelException;
import dev.cairn.core.onnx.OnnxModels;
import dev.cairn.core.onnx.ProviderChoice;
import dev.cairn.core.onnx.RegisteredModel;
import dev.cairn.server.Platform;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.onnx.OnnxExportException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONNX endpoints (see docs/onnx.md): export runs, list their artifacts, import, list, delete
 * and download models, predict (JSON tensors or an image) and evaluate. Every ONNX Runtime, DJL
 * and JDBC call runs on the {@code cairn-onnx} worker pool, never on the event loop. The sessions
 * close when Vert.x does.
 */
public final class ModelsApi {
  private static final Logger LOG = LoggerFactory.getLogger(ModelsApi.class);
  /** Largest predict body (a batch of tensors as JSON, or an image). */
  static final long MAX_PREDICT_BYTES = 64L << 20;
  /** Largest model upload. */
  static final long MAX_IMPORT_BYTES = 512L << 20;
  static final int WORKERS = Math.max(2, Runtime.getRuntime().availableProcessors());

  private final Platform platform;
  private final OnnxModels models;
  private final WorkerExecutor workers;

  private ModelsApi(Vertx vertx, Platform platform, OnnxModels models) {
    this.platform = platform;
    this.models = models;
    this.workers = vertx.createSharedWorkerExecutor("cairn-onnx", WORKERS, 10, TimeUnit.MINUTES);
  }

  /**
   * Adds the routes. Mount before the API's general body handler: these routes read larger bodies
   * (models, batches) with their own limits.
   */
  public static void mount(Router router, Vertx vertx, Platform platform) {
    OnnxModels models = OnnxModels.forStore(platform.store(), platform.options().dataDir(), platform.plugins(),
        platform.options().offline(), ProviderChoice.fromEnvironment());
    // a verticle whose only job is closing the sessions when Vert.x closes
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> stop() {
        models.close();
        return Future.succeededFuture();
      }
    });
    ModelsApi api = new ModelsApi(vertx, platform, models);
    BodyHandler small = BodyHandler.create(false).setBodyLimit(1 << 20);
    router.post("/api/models").handler(BodyHandler.create(false).setBodyLimit(MAX_IMPORT_BYTES)).handler(api::importModel);
    router.get("/api/models").handler(api::list);
    router.get("/api/models/:id").handler(api::get);
    router.delete("/api/models/:id").handler(api::delete);
    router.get("/api/models/:id/file").handler(api::download);
    router.post("/api/models/:id/predict").handler(BodyHandler.create(false).setBodyLimit(MAX_PREDICT_BYTES))
        .handler(api::predict);
    router.post("/api/models/:id/evaluate").handler(small).handler(api::evaluate);
    router.post("/api/runs/:id/export").handler(small).handler(api::export);
    // a run's artifacts, the export among them, are listed and sent by ArtifactRoutes
    OpenInferenceRoutes.mount(router, models, api.workers, MAX_PREDICT_BYTES); // /v2: same sessions and workers
  }

  private void list(RoutingContext ctx) {
    int limit = HttpSupport.intParam(ctx, "limit", 100, 1, 1000);
    blocking(ctx, 200, () -> {
      var array = new com.fasterxml.jackson.databind.node.ArrayNode(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance);
      models.list(limit).forEach(m -> array.add(withOwner(OnnxJson.model(m), m.id())));
      return "{\"models\":" + OnnxJson.write(array) + "}";
    });
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking(ctx, 200, () -> OnnxJson.write(withOwner(OnnxJson.model(models.require(id)), id)));
  }

  private void delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking(ctx, 200, () -> {
      if (!models.delete(id)) {
        throw ApiException.notFound("no model with id '" + id + "'");
      }
      return new JsonObject().put("deleted", id).encode();
    });
  }

  private void importModel(RoutingContext ctx) {
    byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    String name = ctx.queryParams().get("name");
    String what = name != null ? "'" + name + "'" : "the uploaded file";
    String owner = Principal.of(ctx).owner();
    blocking(ctx, 201, () -> {
      var model = models.importBytes(bytes, name != null ? name : "upload", what);
      platform.security().setOwner(SecurityStore.Owned.MODEL, model.id(), owner);
      return OnnxJson.write(OnnxJson.model(model).put("owner", owner));
    });
  }

  private void download(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    workers.executeBlocking(() -> models.require(id), false)
        .onSuccess(m -> sendFile(ctx, m.file().toString(), m.name() + ".onnx"))
        .onFailure(t -> ctx.fail(toApi(t)));
  }

  private void predict(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    String type = String.valueOf(ctx.request().getHeader("Content-Type")).toLowerCase(Locale.ROOT);
    boolean image = type.startsWith("image/") || ImageTensors.looksLikeImage(body);
    String providerParam = ctx.queryParams().get("provider");
    blocking(ctx, 200, () -> {
      ProviderChoice provider = providerParam == null ? null : ProviderChoice.parse(providerParam);
      LoadedModel model = LoadedModel.of(models.require(id));
      var prediction = image ? models.predictImage(model, body)
          : models.predictJson(model, new String(body, StandardCharsets.UTF_8), provider);
      return OnnxJson.write(OnnxJson.prediction(id, prediction));
    });
  }

  private void evaluate(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject body = jsonBody(ctx);
    String dataset = body.getString("dataset");
    if (dataset == null || dataset.isBlank()) {
      throw ApiException.badRequest("JSON body needs \"dataset\": the id of a dataset plugin, e.g. {\"dataset\": \"fashion-mnist\"}");
    }
    Map<String, Object> params = new LinkedHashMap<>(body.getJsonObject("params", new JsonObject()).getMap());
    String split = body.getString("split");
    int batchSize = body.getInteger("batchSize", 256);
    Long seed = body.getLong("seed");
    blocking(ctx, 200, () -> OnnxJson.write(OnnxJson.evaluation(id,
        models.evaluate(LoadedModel.of(models.require(id)), dataset, params, split, batchSize,
            platform.options().dataDir(), seed))));
  }

  private void export(RoutingContext ctx) {
    String runId = ctx.pathParam("id");
    if (platform.runs().activeRuns().contains(runId)) {
      throw new ApiException(409, "conflict", "run '" + runId + "' is still training; export it when it has finished");
    }
    String owner = Principal.of(ctx).owner();
    workers.<ExportResult>executeBlocking(() -> {
          ExportResult r = models.exportRun(runId);
          if (!r.reused()) {
            platform.security().setOwner(SecurityStore.Owned.MODEL, r.model().id(), owner);
            platform.security().setOwner(SecurityStore.Owned.ARTIFACT, runId, owner);
          }
          return r;
        }, false)
        .onSuccess(r -> HttpSupport.json(ctx, r.reused() ? 200 : 201, OnnxJson.write(OnnxJson.export(r))))
        .onFailure(t -> ctx.fail(toApi(t)));
  }

  private static void sendFile(RoutingContext ctx, String path, String downloadName) {
    ctx.response().putHeader("Content-Type", "application/octet-stream")
        .putHeader("Content-Disposition", "attachment; filename=\"" + downloadName.replace("\"", "") + "\"")
        .sendFile(path)
        .onFailure(t -> {
          if (!ctx.response().ended()) {
            ctx.fail(ApiException.notFound("the file is missing from the data directory: " + path));
          }
        });
  }

  /** Adds who registered the model (blocking: one row read). */
  private com.fasterxml.jackson.databind.node.ObjectNode withOwner(com.fasterxml.jackson.databind.node.ObjectNode json,
      String modelId) {
    return json.put("owner", platform.security().owner(SecurityStore.Owned.MODEL, modelId).orElse("local"));
  }

  private void blocking(RoutingContext ctx, int status, Callable<String> work) {
    workers.executeBlocking(work, false)
        .onSuccess(body -> HttpSupport.json(ctx, status, body))
        .onFailure(t -> ctx.fail(toApi(t)));
  }

  /** Errors users can act on become API errors with a status and code; the rest stay internal. */
  static Throwable toApi(Throwable t) {
    if (t instanceof ApiException || t instanceof SpecException) {
      return t;
    }
    if (t instanceof OnnxModelException e) {
      switch (e.reason()) {
        case NOT_FOUND: return new ApiException(404, "not_found", e.getMessage());
        case INVALID_MODEL: return new ApiException(400, "invalid_model", e.getMessage());
        case BAD_INPUT: return new ApiException(400, "bad_input", e.getMessage());
        case NOT_EXPORTABLE: return new ApiException(409, "not_exportable", e.getMessage());
        case PROVIDER_UNAVAILABLE: return new ApiException(503, "provider_unavailable", e.getMessage());
        default: return t;
      }
    }
    if (t instanceof OnnxExportException e) {
      return new ApiException(422, "export_failed", e.getMessage());
    }
    LOG.error("ONNX request failed", t);
    return t;
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    String raw = ctx.body().asString();
    if (raw == null || raw.isBlank()) {
      return new JsonObject();
    }
    try {
      return new JsonObject(raw);
    } catch (RuntimeException e) {
      throw ApiException.badRequest("body is not valid JSON: " + e.getMessage());
    }
  }

}
