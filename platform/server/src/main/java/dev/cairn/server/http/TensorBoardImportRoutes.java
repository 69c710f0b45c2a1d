package dev.cairn.server.http;

import dev.cairn.core.spec.SpecPaths;
import dev.cairn.core.tensorboard.TbImporter;
import dev.cairn.server.Platform;
import dev.cairn.spi.SpecException;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/tensorboard/import}: one import pass of a TensorBoard log directory on the
 * server's file system into this server's store, what {@code cairn import-tb} asks while a server
 * owns the store. Passes run one at a time on their own worker thread (an import may take a while
 * and its per-file state must not be updated by two passes at once).
 */
public final class TensorBoardImportRoutes {
  static final String PATH = "/api/tensorboard/import";
  static final int MAX_EXPERIMENT = 255;

  private final Platform platform;
  private final WorkerExecutor importer;

  private TensorBoardImportRoutes(Vertx vertx, Platform platform) {
    this.platform = platform;
    this.importer = vertx.createSharedWorkerExecutor("cairn-tensorboard-import", 1);
  }

  static void mount(Router router, Vertx vertx, Platform platform) {
    TensorBoardImportRoutes routes = new TensorBoardImportRoutes(vertx, platform);
    router.post(PATH).handler(routes::importOnce);
  }

  private void importOnce(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    String raw = HttpSupport.jsonString(body, "logdir");
    if (raw == null || raw.isBlank()) {
      throw ApiException.badRequest(
          "JSON body needs \"logdir\": the absolute path of a TensorBoard log directory on the"
              + " server's machine, e.g. {\"logdir\": \"/home/ana/runs\"}");
    }
    Path logdir;
    try {
      logdir = Path.of(raw);
    } catch (InvalidPathException e) {
      throw ApiException.badRequest("'logdir' is not a path: " + e.getMessage());
    }
    if (!logdir.isAbsolute()) {
      throw ApiException.badRequest(
          "'logdir' must be an absolute path (it is read on the server's machine), got " + raw);
    }
    // like a spec's paths: only under the data directory and the operator's --data-root folders,
    // unless the caller is an admin (the operator; everyone on a loopback server without tokens)
    SpecPaths roots = platform.specResolver().paths();
    if (roots != null && !Principal.of(ctx).isAdmin()) {
      try {
        roots.checkPath("logdir", raw);
      } catch (SpecException e) {
        throw ApiException.badRequest(e.getMessage());
      }
    }
    String experiment = HttpSupport.jsonString(body, "experiment");
    if (experiment == null) {
      experiment = "tensorboard";
    }
    if (experiment.isBlank() || experiment.length() > MAX_EXPERIMENT) {
      throw ApiException.badRequest(
          "'experiment' must be 1.." + MAX_EXPERIMENT + " characters, got " + experiment.length());
    }
    String exp = experiment;
    importer
        .executeBlocking(
            () -> {
              if (!Files.isDirectory(logdir)) {
                throw ApiException.badRequest(
                    "log directory "
                        + logdir
                        + " does not exist on the server or is not a directory");
              }
              TbImporter.Summary s;
              try {
                s =
                    new TbImporter(platform.store(), platform.media(), platform.database())
                        .importOnce(logdir, exp, line -> {});
              } catch (TbImporter.ImportException e) {
                throw ApiException.badRequest(e.getMessage());
              }
              return toJson(logdir.toString(), s);
            },
            false)
        .onSuccess(json -> HttpSupport.json(ctx, 200, json))
        .onFailure(ctx::fail);
  }

  /**
   * The summary of one pass, as this route answers it and {@code cairn import-tb --json} prints.
   */
  public static JsonObject toJson(String logdir, TbImporter.Summary s) {
    return new JsonObject()
        .put("logdir", logdir)
        .put("runs", s.runs())
        .put("newRuns", s.newRuns())
        .put("files", s.files())
        .put("events", s.events())
        .put("scalars", s.scalars())
        .put("images", s.images())
        .put("histograms", s.histograms())
        .put("texts", s.texts())
        .put("params", s.params())
        .put("corruptRecords", s.corrupt())
        .put("pendingBytes", s.pendingBytes())
        .put("runIds", new JsonObject(new LinkedHashMap<>(s.runIds())))
        .put("notes", new JsonArray(s.notes()));
  }

  /** The inverse of {@link #toJson}, for the command line. */
  public static TbImporter.Summary fromJson(JsonObject o) {
    Map<String, String> runIds = new LinkedHashMap<>();
    o.getJsonObject("runIds", new JsonObject())
        .forEach(e -> runIds.put(e.getKey(), String.valueOf(e.getValue())));
    return new TbImporter.Summary(
        o.getInteger("runs", 0),
        o.getInteger("newRuns", 0),
        o.getInteger("files", 0),
        o.getLong("events", 0L),
        o.getLong("scalars", 0L),
        o.getLong("images", 0L),
        o.getLong("histograms", 0L),
        o.getLong("texts", 0L),
        o.getLong("params", 0L),
        o.getLong("corruptRecords", 0L),
        o.getLong("pendingBytes", 0L),
        o.getJsonArray("notes", new JsonArray()).stream().map(String::valueOf).toList(),
        runIds);
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
