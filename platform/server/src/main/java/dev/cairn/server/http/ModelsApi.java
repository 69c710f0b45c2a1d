package dev.cairn.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.onnx.ExportResult;
import dev.cairn.core.onnx.ImageTensors;
import dev.cairn.core.onnx.LoadedModel;
import dev.cairn.core.onnx.OnnxJson;
import dev.cairn.core.onnx.OnnxModelException;
import dev.cairn.core.onnx.OnnxModels;
import dev.cairn.core.onnx.ProviderChoice;
import dev.cairn.core.security.SecurityStore;
import dev.cairn.server.Platform;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.onnx.OnnxExportException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONNX endpoints (see docs/onnx.md): export runs, list their artifacts, import, list, delete
 * and download models, predict (JSON tensors or an image) and evaluate. Every ONNX Runtime, DJL and
 * JDBC call runs on the {@code cairn-onnx} worker pool, never on the event loop. The sessions close
 * when Vert.x does.
 */
public final class ModelsApi {
  private static final Logger LOG = LoggerFactory.getLogger(ModelsApi.class);

  /** Largest predict body (a batch of tensors as JSON, or an image). */
  static final long MAX_PREDICT_BYTES = 64L << 20;

  /** Largest model upload. */
  static final long MAX_IMPORT_BYTES = 512L << 20;

  /** Longest model name (a query parameter of the upload). */
  static final int MAX_NAME = 200;

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
    OnnxModels models =
        new OnnxModels(
            platform.models(),
            platform.store(),
            platform.plugins(),
            platform.options().offline(),
            ProviderChoice.fromEnvironment());
    // a verticle whose only job is closing the sessions when Vert.x closes
    vertx.deployVerticle(
        new VerticleBase() {
          @Override
          public Future<?> stop() {
            models.close();
            return Future.succeededFuture();
          }
        });
    ModelsApi api = new ModelsApi(vertx, platform, models);
    BodyHandler small = BodyHandler.create(false).setBodyLimit(1 << 20);
    router
        .post("/api/models")
        .handler(api::importModel); // streamed to disk, not buffered: see importModel
    router.get("/api/models").handler(api::list);
    router.get("/api/models/:id").handler(api::get);
    router.delete("/api/models/:id").handler(api::delete);
    router.get("/api/models/:id/file").handler(api::download);
    router
        .post("/api/models/:id/predict")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_PREDICT_BYTES))
        .handler(api::predict);
    router.post("/api/models/:id/evaluate").handler(small).handler(api::evaluate);
    router.post("/api/runs/:id/export").handler(small).handler(api::export);
    // a run's artifacts, the export among them, are listed and sent by ArtifactRoutes
    OpenInferenceRoutes.mount(
        router,
        models,
        api.workers,
        MAX_PREDICT_BYTES,
        new SafeMessages(platform.options())); // /v2: same sessions and workers
  }

  private void list(RoutingContext ctx) {
    int limit = HttpSupport.intParam(ctx, "limit", 100, 1, 1000);
    int offset = HttpSupport.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    blocking(
        ctx,
        200,
        () -> {
          ObjectNode answer = JsonNodeFactory.instance.objectNode();
          ArrayNode array = answer.putArray("models");
          models.list(limit, offset).forEach(m -> array.add(withOwner(OnnxJson.model(m), m.id())));
          return OnnxJson.write(answer);
        });
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking(ctx, 200, () -> OnnxJson.write(withOwner(OnnxJson.model(models.require(id)), id)));
  }

  private void delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking(
        ctx,
        200,
        () -> {
          if (!models.delete(id)) {
            throw ApiException.notFound("no model with id '" + id + "'");
          }
          return new JsonObject().put("deleted", id).encode();
        });
  }

  /**
   * Streams the upload to a temporary file under the data directory (never the whole body in
   * memory), counting it against the server's {@link UploadBudget}, then registers it on a worker.
   * The raw file is the body: {@code curl --data-binary @model.onnx -H 'Content-Type:
   * application/octet-stream'}; form encodings get a 415 saying so.
   */
  private void importModel(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String type = String.valueOf(req.getHeader("Content-Type")).toLowerCase(Locale.ROOT);
    if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/")) {
      req.resume();
      throw new ApiException(
          415,
          "unsupported_media_type",
          "send the ONNX file itself as the body, not a form:"
              + " curl --data-binary @model.onnx -H 'Content-Type: application/octet-stream' (curl -d or -F send a form)");
    }
    String name = ctx.queryParams().get("name");
    if (name != null
        && (name.isBlank()
            || name.length() > MAX_NAME
            || name.chars().anyMatch(Character::isISOControl))) {
      req.resume();
      throw ApiException.badRequest(
          "query parameter 'name': at most "
              + MAX_NAME
              + " characters, not blank, without control characters (line breaks, tabs)");
    }
    req.pause(); // until the file is open: a chunk that came before would be lost
    UploadBudget budget = UploadBudget.of(ctx);
    UploadBudget.Reservation reservation =
        budget == null ? null : budget.admit(ctx, MAX_IMPORT_BYTES);
    if (budget != null && reservation == null) {
      return; // answered: 413 or 429
    }
    String what = name != null ? "'" + name + "'" : "the uploaded file";
    String owner = Principal.of(ctx).owner();
    Path uploads = platform.options().dataDir().resolve("uploads");
    ctx.vertx()
        .fileSystem()
        .mkdirs(uploads.toString())
        .compose(
            v ->
                ctx.vertx()
                    .fileSystem()
                    .createTempFile(uploads.toString(), "upload-", ".onnx.part", (String) null))
        .onFailure(t -> ctx.fail(t))
        .onSuccess(
            tmp ->
                receive(
                    ctx,
                    reservation,
                    Path.of(tmp),
                    file ->
                        blocking(
                            ctx,
                            201,
                            () -> {
                              try {
                                var model =
                                    models.importBytes(
                                        Files.readAllBytes(file),
                                        name != null ? name : "upload",
                                        what);
                                platform
                                    .security()
                                    .setOwner(SecurityStore.Owned.MODEL, model.id(), owner);
                                return OnnxJson.write(OnnxJson.model(model).put("owner", owner));
                              } finally {
                                Files.deleteIfExists(file);
                              }
                            })));
  }

  /**
   * Writes the request body to {@code tmp} with back-pressure; then hands the file on, or deletes
   * it and answers.
   */
  private static void receive(
      RoutingContext ctx, UploadBudget.Reservation reservation, Path tmp, Consumer<Path> done) {
    HttpServerRequest req = ctx.request();
    ctx.vertx()
        .fileSystem()
        .open(tmp.toString(), new OpenOptions().setWrite(true).setTruncateExisting(true))
        .onFailure(
            t -> {
              deleteQuietly(ctx, tmp);
              ctx.fail(t);
            })
        .onSuccess(
            file -> {
              long[] received = {0};
              boolean[] failed = {false};
              Runnable abandon =
                  () -> {
                    failed[0] = true;
                    file.close().onComplete(v -> deleteQuietly(ctx, tmp));
                  };
              req.handler(
                  chunk -> {
                    if (failed[0]) {
                      return;
                    }
                    received[0] += chunk.length();
                    long declared = reservation == null ? 0 : reservation.bytes();
                    if (received[0] > MAX_IMPORT_BYTES) {
                      abandon.run();
                      UploadBudget.tooLarge(ctx, -1, MAX_IMPORT_BYTES);
                      return;
                    }
                    if (reservation != null
                        && received[0] > declared
                        && !reservation.grow(received[0] - declared)) {
                      abandon.run();
                      UploadBudget.of(ctx).busy(ctx);
                      return;
                    }
                    file.write(chunk);
                    if (file.writeQueueFull()) {
                      req.pause();
                      file.drainHandler(v -> req.resume());
                    }
                  });
              req.exceptionHandler(
                  t -> {
                    if (!failed[0]) {
                      abandon.run();
                    }
                  });
              req.endHandler(
                  v -> {
                    if (failed[0]) {
                      return;
                    }
                    file.close()
                        .onFailure(
                            t -> {
                              deleteQuietly(ctx, tmp);
                              ctx.fail(t);
                            })
                        .onSuccess(x -> done.accept(tmp));
                  });
              ctx.response()
                  .closeHandler(
                      v -> {
                        if (!req.isEnded() && !failed[0]) {
                          abandon.run();
                        }
                      });
              if (ctx.response().closed()) {
                abandon.run(); // the client hung up while the file was being opened
                return;
              }
              req.resume();
            });
  }

  private static void deleteQuietly(RoutingContext ctx, Path file) {
    ctx.vertx()
        .fileSystem()
        .delete(file.toString())
        .onFailure(t -> LOG.debug("could not delete {}", file, t));
  }

  private void download(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    workers
        .executeBlocking(() -> models.require(id), false)
        .onSuccess(m -> sendFile(ctx, m.file().toString(), m.name() + ".onnx"))
        .onFailure(t -> ctx.fail(toApi(t)));
  }

  private void predict(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    String type = String.valueOf(ctx.request().getHeader("Content-Type")).toLowerCase(Locale.ROOT);
    boolean image = type.startsWith("image/") || ImageTensors.looksLikeImage(body);
    String providerParam = ctx.queryParams().get("provider");
    blocking(
        ctx,
        200,
        () -> {
          ProviderChoice provider =
              providerParam == null ? null : ProviderChoice.parse(providerParam);
          LoadedModel model = LoadedModel.of(models.require(id));
          var prediction =
              image
                  ? models.predictImage(model, body)
                  : models.predictJson(model, new String(body, StandardCharsets.UTF_8), provider);
          return OnnxJson.write(OnnxJson.prediction(id, prediction));
        });
  }

  private void evaluate(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject body = jsonBody(ctx);
    String dataset = HttpSupport.jsonString(body, "dataset");
    if (dataset == null || dataset.isBlank()) {
      throw ApiException.badRequest(
          "JSON body needs \"dataset\": the id of a dataset plugin, e.g. {\"dataset\": \"fashion-mnist\"}");
    }
    Map<String, Object> params =
        new LinkedHashMap<>(HttpSupport.jsonObject(body, "params").getMap());
    String split = HttpSupport.jsonString(body, "split");
    int batchSize = HttpSupport.jsonInt(body, "batchSize", 256, 1, 1_000_000);
    Object rawSeed = body.getValue("seed");
    if (rawSeed != null
        && !(rawSeed instanceof Number n
            && n.doubleValue() == Math.rint(n.doubleValue())
            && Math.abs(n.doubleValue()) < 9.2e18)) {
      throw ApiException.badRequest(
          "'seed': " + HttpSupport.describe(rawSeed) + " is not an integer");
    }
    Long seed = rawSeed == null ? null : ((Number) rawSeed).longValue();
    blocking(
        ctx,
        200,
        () ->
            OnnxJson.write(
                OnnxJson.evaluation(
                    id,
                    models.evaluate(
                        LoadedModel.of(models.require(id)),
                        dataset,
                        params,
                        split,
                        batchSize,
                        platform.options().dataDir(),
                        seed))));
  }

  private void export(RoutingContext ctx) {
    String runId = ctx.pathParam("id");
    if (platform.runs().activeRuns().contains(runId)) {
      throw new ApiException(
          409, "conflict", "run '" + runId + "' is still training; export it when it has finished");
    }
    String owner = Principal.of(ctx).owner();
    workers
        .<ExportResult>executeBlocking(
            () -> {
              ExportResult r = models.exportRun(runId);
              if (!r.reused()) {
                platform.security().setOwner(SecurityStore.Owned.MODEL, r.model().id(), owner);
                platform.security().setOwner(SecurityStore.Owned.ARTIFACT, runId, owner);
              }
              return r;
            },
            false)
        .onSuccess(
            r -> HttpSupport.json(ctx, r.reused() ? 200 : 201, OnnxJson.write(OnnxJson.export(r))))
        .onFailure(t -> ctx.fail(toApi(t)));
  }

  private static void sendFile(RoutingContext ctx, String path, String downloadName) {
    ctx.response()
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader(
            "Content-Disposition", "attachment; filename=\"" + safeFileName(downloadName) + "\"")
        .sendFile(path)
        .onFailure(
            t -> {
              if (!ctx.response().ended()) {
                ctx.fail(
                    ApiException.notFound(
                        "the file is missing from the data directory: "
                            + Path.of(path).getFileName()));
              }
            });
  }

  /** A file name safe in a header: printable ASCII without quotes, backslashes or separators. */
  static String safeFileName(String name) {
    StringBuilder out = new StringBuilder();
    for (char c : name.toCharArray()) {
      out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/' && c != ';' ? c : '_');
    }
    return out.length() == 0 ? "download" : out.toString();
  }

  /** Adds who registered the model (blocking: one row read). */
  private ObjectNode withOwner(ObjectNode json, String modelId) {
    return json.put(
        "owner", platform.security().owner(SecurityStore.Owned.MODEL, modelId).orElse("local"));
  }

  private void blocking(RoutingContext ctx, int status, Callable<String> work) {
    workers
        .executeBlocking(work, false)
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
        case NOT_FOUND:
          return new ApiException(404, "not_found", e.getMessage());
        case INVALID_MODEL:
          return new ApiException(400, "invalid_model", e.getMessage());
        case BAD_INPUT:
          return new ApiException(400, "bad_input", e.getMessage());
        case NOT_EXPORTABLE:
          return new ApiException(409, "not_exportable", e.getMessage());
        case PROVIDER_UNAVAILABLE:
          return new ApiException(503, "provider_unavailable", e.getMessage());
        default:
          return t;
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
