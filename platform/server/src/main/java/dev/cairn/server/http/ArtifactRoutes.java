package dev.cairn.server.http;

import dev.cairn.core.artifacts.ArtifactPath;
import dev.cairn.core.artifacts.ArtifactStore;
import dev.cairn.core.artifacts.StoredArtifact;
import dev.cairn.core.security.SecurityStore;
import dev.cairn.core.tracking.RunRecord;
import dev.cairn.server.Platform;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artifacts: any file of a run (docs/tracking.md, "Artifacts"). Uploads through the native tracking
 * API and MLflow's artifact proxy are streamed chunk by chunk into a temporary file with
 * backpressure, hashed (SHA-256) on the way, and recorded only once the whole body arrived within
 * the size limit; a body cut off or too large leaves nothing listed. Downloads are sent from disk.
 * Mount before any body handler: an upload's body is never read into memory.
 */
public final class ArtifactRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ArtifactRoutes.class);

  /** Default upload limit: 1 GiB ({@code cairn serve --max-artifact-bytes}). */
  public static final long DEFAULT_MAX_BYTES = 1L << 30;

  static final String NATIVE_UPLOAD = "/api/tracking/runs/:id/artifacts/*";
  static final String DOWNLOAD = "/api/runs/:id/artifacts/*";
  static final String MLFLOW_PROXY = "/api/2.0/mlflow-artifacts/artifacts";
  static final String MLFLOW_LIST = "/api/2.0/mlflow/artifacts/list";
  static final Set<String> NATIVE_SOURCES = Set.of("rest", "java-client");

  /** How long the rest of a refused body is read and dropped before the connection is closed. */
  static final long DRAIN_MILLIS = 30_000;

  private final Vertx vertx;
  private final Platform platform;
  private final ArtifactStore store;
  private final long maxBytes;

  private ArtifactRoutes(Vertx vertx, Platform platform, long maxBytes) {
    this.vertx = vertx;
    this.platform = platform;
    this.store = platform.artifacts();
    this.maxBytes = maxBytes;
  }

  public static void mount(Router router, Vertx vertx, Platform platform, long maxBytes) {
    ArtifactRoutes r = new ArtifactRoutes(vertx, platform, maxBytes);
    router.put(NATIVE_UPLOAD).handler(r::nativeUpload);
    router.get("/api/runs/:id/artifacts").handler(r::nativeList);
    router.get(DOWNLOAD).handler(r::nativeDownload);
    router
        .get(MLFLOW_PROXY)
        .handler(r::mlflowProxyList); // before the wildcard, which matches it too
    router.put(MLFLOW_PROXY + "/*").handler(r::mlflowUpload);
    router.get(MLFLOW_PROXY + "/*").handler(r::mlflowDownload);
    router.get(MLFLOW_LIST).handler(r::mlflowList);
  }

  // ---- the native API

  private void nativeUpload(RoutingContext ctx) {
    ctx.request().pause();
    String runId = ctx.pathParam("id");
    String path;
    String source = ctx.queryParams().get("source");
    try {
      path = ArtifactPath.check(rest(ctx, "/api/tracking/runs/" + runId + "/artifacts/"));
      if (source == null) {
        source = "rest";
      } else if (!NATIVE_SOURCES.contains(source)) {
        throw new IllegalArgumentException(
            "query parameter 'source' is '" + source + "'; allowed: rest, java-client");
      }
    } catch (IllegalArgumentException e) {
      nativeError(ctx, 400, "bad_request", e.getMessage());
      return;
    }
    String src = source;
    upload(
        ctx,
        runId,
        path,
        src,
        (status, message) -> nativeError(ctx, status, code(status), message),
        a -> HttpSupport.json(ctx, 201, json(a)));
  }

  private void nativeList(RoutingContext ctx) {
    String runId = ctx.pathParam("id");
    String folder = ctx.queryParams().get("path");
    int limit =
        HttpSupport.intParam(ctx, "limit", ArtifactStore.MAX_PAGE, 1, ArtifactStore.MAX_PAGE);
    int offset = HttpSupport.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    HttpSupport.blocking(
        vertx,
        ctx,
        () -> {
          requireRun(runId);
          List<StoredArtifact> found;
          try {
            found = store.list(runId, folder, limit, offset);
          } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("query parameter 'path': " + e.getMessage());
          }
          JsonArray array = new JsonArray();
          found.forEach(a -> array.add(json(a)));
          return new JsonObject().put("runId", runId).put("artifacts", array);
        });
  }

  private void nativeDownload(RoutingContext ctx) {
    String runId = ctx.pathParam("id");
    String path;
    try {
      path = ArtifactPath.check(rest(ctx, "/api/runs/" + runId + "/artifacts/"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    vertx
        .executeBlocking(
            () -> {
              requireRun(runId);
              return store
                  .find(runId, path)
                  .orElseThrow(
                      () ->
                          ApiException.notFound(
                              "run '" + runId + "' has no artifact '" + path + "'"));
            },
            false)
        .onSuccess(a -> send(ctx, a))
        .onFailure(ctx::fail);
  }

  // ---- MLflow's artifact proxy and artifacts/list

  private void mlflowUpload(RoutingContext ctx) {
    ctx.request().pause();
    String[] runAndPath;
    try {
      runAndPath = mlflowRunPath(rest(ctx, MLFLOW_PROXY + "/"), false);
    } catch (IllegalArgumentException e) {
      mlflowError(ctx, 400, e.getMessage());
      return;
    }
    upload(
        ctx,
        runAndPath[0],
        runAndPath[1],
        "mlflow",
        (status, message) -> mlflowError(ctx, status, message),
        a -> HttpSupport.json(ctx, 200, new JsonObject()));
  }

  private void mlflowDownload(RoutingContext ctx) {
    String[] runAndPath;
    try {
      runAndPath = mlflowRunPath(rest(ctx, MLFLOW_PROXY + "/"), false);
    } catch (IllegalArgumentException e) {
      mlflowError(ctx, 400, e.getMessage());
      return;
    }
    String runId = runAndPath[0];
    String path = runAndPath[1];
    vertx
        .executeBlocking(
            () -> {
              requireRun(runId);
              return store
                  .find(runId, path)
                  .orElseThrow(
                      () ->
                          ApiException.notFound(
                              "run '" + runId + "' has no artifact '" + path + "'"));
            },
            false)
        .onSuccess(a -> send(ctx, a))
        .onFailure(t -> mlflowFailure(ctx, t));
  }

  /**
   * {@code GET mlflow-artifacts/artifacts?path=<exp>/<run>/artifacts/<dir>}: direct children, by
   * base name.
   */
  private void mlflowProxyList(RoutingContext ctx) {
    String[] runAndDir;
    try {
      String p = ctx.queryParams().get("path");
      if (p == null || p.isBlank()) {
        throw new IllegalArgumentException(
            "query parameter 'path' is required: <experiment_id>/<run_id>/artifacts[/<dir>]");
      }
      runAndDir = mlflowRunPath(p, true);
    } catch (IllegalArgumentException e) {
      mlflowError(ctx, 400, e.getMessage());
      return;
    }
    String runId = runAndDir[0];
    String dir = runAndDir[1];
    vertx
        .executeBlocking(
            () -> {
              requireRun(runId);
              JsonArray files = new JsonArray();
              children(runId, dir)
                  .forEach(
                      (child, a) -> {
                        String base = child.substring(child.lastIndexOf('/') + 1);
                        files.add(fileInfo(base, a));
                      });
              return new JsonObject().put("files", files);
            },
            false)
        .onSuccess(j -> HttpSupport.json(ctx, 200, j))
        .onFailure(t -> mlflowFailure(ctx, t));
  }

  /**
   * {@code GET /api/2.0/mlflow/artifacts/list?run_id=..&path=..}: direct children, paths from the
   * run's root.
   */
  private void mlflowList(RoutingContext ctx) {
    String runId = ctx.queryParams().get("run_id");
    if (runId == null || runId.isBlank()) {
      runId = ctx.queryParams().get("run_uuid");
    }
    String dir;
    try {
      if (runId == null || runId.isBlank()) {
        throw new IllegalArgumentException("query parameter 'run_id' is required");
      }
      dir = ArtifactPath.checkFolder(ctx.queryParams().get("path"));
    } catch (IllegalArgumentException e) {
      mlflowError(ctx, 400, e.getMessage());
      return;
    }
    String id = runId;
    vertx
        .executeBlocking(
            () -> {
              requireRun(id);
              JsonArray files = new JsonArray();
              children(id, dir).forEach((child, a) -> files.add(fileInfo(child, a)));
              String experimentId = experimentId(id);
              return new JsonObject()
                  .put("root_uri", "mlflow-artifacts:/" + experimentId + "/" + id + "/artifacts")
                  .put("files", files);
            },
            false)
        .onSuccess(j -> HttpSupport.json(ctx, 200, j))
        .onFailure(t -> mlflowFailure(ctx, t));
  }

  /** The direct children of {@code dir}: path from the root -> the file, or null for a folder. */
  private Map<String, StoredArtifact> children(String runId, String dir) {
    Map<String, StoredArtifact> out = new LinkedHashMap<>();
    String prefix = dir.isEmpty() ? "" : dir + "/";
    List<StoredArtifact> page;
    int offset = 0;
    do {
      page = store.list(runId, dir, ArtifactStore.MAX_PAGE, offset);
      offset += page.size();
      for (StoredArtifact a : page) {
        if (!a.path().startsWith(prefix)) {
          continue; // the listed path is itself a file: MLflow lists nothing
        }
        String rest = a.path().substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
          out.put(a.path(), a);
        } else {
          out.putIfAbsent(prefix + rest.substring(0, slash), null);
        }
      }
    } while (page.size() == ArtifactStore.MAX_PAGE);
    return out;
  }

  private static JsonObject fileInfo(String path, StoredArtifact a) {
    JsonObject o = new JsonObject().put("path", path).put("is_dir", a == null);
    if (a != null) {
      o.put("file_size", a.sizeBytes());
    }
    return o;
  }

  /**
   * {@code <experiment_id>/<run_id>/artifacts/<path>} -> run id and path (the experiment is not
   * checked).
   */
  static String[] mlflowRunPath(String raw, boolean folder) {
    String[] parts = raw.split("/", 4);
    if (parts.length < 3
        || !parts[2].equals("artifacts")
        || parts[0].isEmpty()
        || parts[1].isEmpty()
        || (!folder && parts.length < 4)) {
      throw new IllegalArgumentException(
          "artifact path '"
              + raw
              + "' is not <experiment_id>/<run_id>/artifacts/"
              + (folder ? "[<dir>]" : "<path>"));
    }
    String rest = parts.length == 4 ? parts[3] : "";
    return new String[] {
      parts[1], folder ? ArtifactPath.checkFolder(rest) : ArtifactPath.check(rest)
    };
  }

  // ---- the streamed upload

  private interface Refusal {
    void answer(int status, String message);
  }

  /**
   * Streams the paused request's body into a temporary file and records it. Answers exactly once:
   * {@code done} with the stored artifact, or {@code refuse} with a status and message.
   */
  private void upload(
      RoutingContext ctx,
      String runId,
      String path,
      String source,
      Refusal refuse,
      Consumer<StoredArtifact> done) {
    HttpServerRequest req = ctx.request();
    String length = req.getHeader("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > maxBytes) {
          refuse.answer(413, tooLarge());
          return;
        }
      } catch (NumberFormatException e) {
        refuse.answer(400, "header Content-Length is not a number");
        return;
      }
    }
    String owner = Principal.of(ctx).owner();
    vertx
        .executeBlocking(
            () -> {
              requireRun(runId);
              store.fileOf(runId, path); // checks the path resolves inside the run's folder
              return store.newUploadFile();
            },
            false)
        .compose(
            tmp ->
                vertx
                    .fileSystem()
                    .open(tmp.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
                    .map(
                        file ->
                            new Upload(ctx, runId, path, source, owner, tmp, file, refuse, done)))
        .onSuccess(Upload::start)
        .onFailure(
            t -> {
              if (t instanceof ApiException e) {
                refuse.answer(e.status(), e.getMessage());
              } else {
                LOG.error("could not start an upload of '{}' to run {}", path, runId, t);
                refuse.answer(500, "could not start the upload; see the server log");
              }
            });
  }

  private String tooLarge() {
    return "the artifact is larger than this server's limit of "
        + maxBytes
        + " bytes"
        + " (the operator raises it with cairn serve --max-artifact-bytes N)";
  }

  /** One body on its way to disk. Everything here runs on the request's event loop. */
  private final class Upload {
    private final RoutingContext ctx;
    private final String runId;
    private final String path;
    private final String source;
    private final String owner;
    private final Path tmp;
    private final AsyncFile file;
    private final Refusal refuse;
    private final Consumer<StoredArtifact> done;
    private final MessageDigest sha;
    private long size;
    private boolean finished;

    Upload(
        RoutingContext ctx,
        String runId,
        String path,
        String source,
        String owner,
        Path tmp,
        AsyncFile file,
        Refusal refuse,
        Consumer<StoredArtifact> done) {
      this.ctx = ctx;
      this.runId = runId;
      this.path = path;
      this.source = source;
      this.owner = owner;
      this.tmp = tmp;
      this.file = file;
      this.refuse = refuse;
      this.done = done;
      this.sha = sha256();
    }

    void start() {
      HttpServerRequest req = ctx.request();
      file.exceptionHandler(
          t -> abort(500, "could not write the upload to disk; see the server log", t));
      req.exceptionHandler(
          t -> abort(0, null, null)); // connection lost mid-body: nothing to answer
      ctx.response().closeHandler(v -> abort(0, null, null));
      req.handler(this::chunk);
      req.endHandler(v -> finish());
      req.resume();
    }

    private void chunk(Buffer buf) {
      if (finished) {
        return;
      }
      size += buf.length();
      if (size > maxBytes) {
        abort(413, tooLarge(), null);
        return;
      }
      sha.update(buf.getBytes());
      file.write(buf)
          .onFailure(t -> abort(500, "could not write the upload to disk; see the server log", t));
      if (file.writeQueueFull()) {
        ctx.request().pause();
        file.drainHandler(
            v -> {
              if (!finished) {
                ctx.request().resume();
              }
            });
      }
    }

    private void finish() {
      if (finished) {
        return;
      }
      finished = true;
      String digest = HexFormat.of().formatHex(sha.digest());
      long bytes = size;
      file.close()
          .compose(
              v ->
                  vertx.executeBlocking(
                      () -> {
                        StoredArtifact a = store.commit(runId, path, tmp, bytes, digest, source);
                        if (!owner.equals("local")) {
                          platform.security().setOwner(SecurityStore.Owned.ARTIFACT, runId, owner);
                        }
                        return a;
                      },
                      false))
          .onSuccess(done::accept)
          .onFailure(
              t -> {
                ArtifactStore.deleteQuietly(tmp);
                if (t instanceof IllegalStateException && t.getCause() == null) {
                  refuse.answer(409, t.getMessage());
                } else {
                  LOG.error("could not store artifact '{}' of run {}", path, runId, t);
                  refuse.answer(500, "could not store the artifact; see the server log");
                }
              });
    }

    /** Stops reading, removes the temporary file, and answers unless {@code status} is 0. */
    private void abort(int status, String message, Throwable cause) {
      if (finished) {
        return;
      }
      finished = true;
      if (cause != null) {
        LOG.error("upload of '{}' to run {} failed", path, runId, cause);
      }
      HttpServerRequest req = ctx.request();
      req.handler(null);
      req.endHandler(null);
      file.close()
          .onComplete(
              x ->
                  vertx.executeBlocking(
                      () -> {
                        ArtifactStore.deleteQuietly(tmp);
                        return null;
                      },
                      false));
      if (status != 0) {
        // the rest of the body is read and dropped so that the client, still sending, sees the
        // answer;
        // a client that keeps sending long after it is closed
        req.resume();
        refuse.answer(status, message);
        vertx.setTimer(
            DRAIN_MILLIS,
            id -> {
              if (!req.isEnded() && req.connection() != null) {
                req.connection().close();
              }
            });
      }
    }
  }

  // ---- helpers

  private RunRecord requireRun(String runId) {
    return platform
        .store()
        .getRun(runId)
        .orElseThrow(() -> ApiException.notFound("no run with id '" + runId + "'"));
  }

  /** The run's experiment id, as MLflow's API shows it (the store's numeric experiment id). */
  private String experimentId(String runId) throws SQLException {
    return platform
        .database()
        .read(
            c -> {
              try (var ps = c.prepareStatement("SELECT experiment_id FROM runs WHERE id = ?")) {
                ps.setString(1, runId);
                try (var rs = ps.executeQuery()) {
                  return rs.next() ? Long.toString(rs.getLong(1)) : "0";
                }
              }
            });
  }

  private void send(RoutingContext ctx, StoredArtifact a) {
    String name = a.path().substring(a.path().lastIndexOf('/') + 1);
    ctx.response()
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader("Content-Disposition", contentDisposition(name))
        .putHeader("X-Cairn-Sha256", a.sha256())
        .sendFile(a.file().toString())
        .onFailure(
            t -> {
              if (!ctx.response().headWritten()) {
                ctx.fail(
                    ApiException.notFound(
                        "the file of artifact '"
                            + a.path()
                            + "' is missing from the data directory"));
              }
            });
  }

  /** {@code attachment} with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / 5987). */
  static String contentDisposition(String name) {
    StringBuilder ascii = new StringBuilder();
    for (char c : name.toCharArray()) {
      ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
    }
    StringBuilder encoded = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~".indexOf(c) >= 0) {
        encoded.append((char) c);
      } else {
        encoded.append('%').append(String.format("%02X", c));
      }
    }
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }

  static JsonObject json(StoredArtifact a) {
    String url = "/api/runs/" + a.runId() + "/artifacts/" + encodePath(a.path());
    return new JsonObject()
        .put("runId", a.runId())
        .put("path", a.path())
        .put("name", a.path())
        .put("kind", a.kind())
        .put("source", a.source())
        .put("sizeBytes", a.sizeBytes())
        .put("sha256", a.sha256())
        .put("createdAt", a.createdAt().toString())
        .put("downloadUrl", url);
  }

  /** The path after {@code prefix} in the raw request path, percent-decoded (UTF-8). */
  static String rest(RoutingContext ctx, String prefix) {
    String raw = ctx.request().path();
    if (!raw.startsWith(prefix)) {
      // the router matched a normalised form (e.g. dot segments removed): refuse rather than guess
      throw new IllegalArgumentException(
          "the request path is not in normal form; '.' and '..' segments are not allowed");
    }
    return decode(raw.substring(prefix.length()));
  }

  static String decode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new IllegalArgumentException("the path has a bad percent escape at character " + i);
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("the path has a bad percent escape at character " + i);
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static String encodePath(String path) {
    StringBuilder out = new StringBuilder();
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~/".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  private static String code(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 409 -> "conflict";
      case 413 -> "too_large";
      default -> "internal";
    };
  }

  private static void nativeError(RoutingContext ctx, int status, String code, String message) {
    ctx.request().resume();
    HttpSupport.json(
        ctx,
        status,
        new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)));
  }

  private static void mlflowError(RoutingContext ctx, int status, String message) {
    ctx.request().resume();
    String code =
        switch (status) {
          case 404 -> "RESOURCE_DOES_NOT_EXIST";
          case 400, 413 -> "INVALID_PARAMETER_VALUE";
          case 409 -> "INVALID_STATE";
          default -> "INTERNAL_ERROR";
        };
    HttpSupport.json(ctx, status, new JsonObject().put("error_code", code).put("message", message));
  }

  private static void mlflowFailure(RoutingContext ctx, Throwable t) {
    if (t instanceof ApiException e) {
      mlflowError(ctx, e.status(), e.getMessage());
    } else {
      LOG.error("MLflow artifact request {} failed", ctx.request().path(), t);
      mlflowError(ctx, 500, "internal error; see the server log");
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
