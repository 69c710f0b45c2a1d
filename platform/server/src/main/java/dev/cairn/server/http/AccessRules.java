package dev.cairn.server.http;

import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one table that says who may call what (docs/security.md). Every route the server mounts has a
 * rule here; a request that matches no rule is refused (fail closed), and {@code GET
 * /api/auth/rules} lists the mounted routes that have none, so a test fails when one is added
 * without a rule. Adding a route is one line: {@code rule(POST, "/v2/models/:name/infer", READ)}.
 */
public final class AccessRules {
  /** The body limit of the tracking API's writes (TrackingRoutes): batches of points, 16 MiB. */
  public static final int TRACKING_MAX_BODY_BYTES = 16 << 20;

  /** Who may call a route. Each level includes the ones after PUBLIC before it. */
  public enum Access {
    /** Always open: health, auth/me, the dashboard's static files. */
    PUBLIC,
    READ,
    WRITE,
    ADMIN
  }

  /**
   * One row of the table.
   *
   * @param path a Vert.x route path: {@code :name} matches one segment, a trailing {@code *} the
   *     rest
   * @param audit the audit action recorded when the request succeeds, or null
   * @param bodyLimit the most body bytes the route reads (its 413 message names it)
   */
  public record Rule(
      HttpMethod method, String path, Access access, String audit, long bodyLimit, Pattern regex) {
    boolean matches(HttpMethod m, String requestPath) {
      return (method.equals(m) || (method.equals(HttpMethod.GET) && m.equals(HttpMethod.HEAD)))
          && regex.matcher(requestPath).matches();
    }
  }

  static final long DEFAULT_BODY = ApiVerticle.MAX_BODY_BYTES;

  /**
   * A route that streams its body to disk and enforces its own, configurable limit while it reads
   * (artifact uploads: {@code cairn serve --max-artifact-bytes}); no body handler buffers it.
   */
  static final long STREAMED = Long.MAX_VALUE;

  private static final List<Rule> RULES = new ArrayList<>();

  /**
   * Per rule (same index), the literal start of its path (up to the first {@code :param} or {@code
   * *}): every path the rule matches starts with it, so {@link #find} runs a rule's regex only then
   * (the table is checked twice per request, on the event loop).
   */
  private static final List<String> PREFIXES = new ArrayList<>();

  /**
   * Routes that stream their bodies to disk (UploadBudget reserves per chunk there), as "METHOD
   * path".
   */
  private static final List<String> STREAMED_ROUTES = List.of("POST /api/models");

  static {
    HttpMethod GET = HttpMethod.GET;
    HttpMethod POST = HttpMethod.POST;
    HttpMethod PUT = HttpMethod.PUT;
    HttpMethod DELETE = HttpMethod.DELETE;
    Access PUBLIC = Access.PUBLIC;
    Access READ = Access.READ;
    Access WRITE = Access.WRITE;
    Access ADMIN = Access.ADMIN;
    // open to everyone
    rule(GET, "/api/health", PUBLIC);
    rule(GET, "/api/auth/me", PUBLIC);
    // admin
    rule(GET, "/api/audit", ADMIN);
    rule(GET, "/api/auth/rules", ADMIN);
    // runs (ApiVerticle); deleting another owner's run needs admin (checked by the handler)
    rule(GET, "/api/plugins", READ);
    rule(GET, "/api/runs", READ);
    rule(POST, "/api/runs", WRITE, "run.submit");
    rule(GET, "/api/runs/:id", READ);
    rule(DELETE, "/api/runs/:id", WRITE, "run.delete");
    rule(POST, "/api/runs/:id/stop", WRITE, "run.stop");
    rule(POST, "/api/runs/:id/resume", WRITE, "run.resume");
    rule(POST, "/api/tensorboard/import", WRITE, "tensorboard.import");
    rule(GET, "/api/runs/:id/params", READ);
    rule(GET, "/api/runs/:id/metrics", READ);
    rule(GET, "/api/runs/:id/series", READ);
    // dashboard (DashboardRoutes, MediaRoutes, LiveEvents)
    rule(GET, "/api/dashboard/runs", READ);
    rule(GET, "/api/dashboard/runs/export", READ);
    rule(GET, "/api/dashboard/export", READ);
    rule(GET, "/api/dashboard/tags", READ);
    rule(GET, "/api/dashboard/scalars", READ);
    rule(GET, "/api/dashboard/scalars/export", READ);
    rule(PUT, "/api/runs/:id/notes", WRITE);
    rule(GET, "/api/live", READ);
    rule(GET, "/api/runs/:id/media", READ);
    rule(GET, "/api/runs/:id/images", READ);
    rule(GET, "/api/runs/:id/images/png", READ);
    rule(GET, "/api/runs/:id/histograms", READ);
    rule(GET, "/api/runs/:id/texts", READ);
    rule(GET, "/api/runs/:id/graph", READ);
    // models and artifacts (ModelsApi)
    rule(POST, "/api/models", WRITE, "model.upload", ModelsApi.MAX_IMPORT_BYTES);
    rule(GET, "/api/models", READ);
    rule(GET, "/api/models/:id", READ);
    rule(DELETE, "/api/models/:id", WRITE, "model.delete");
    rule(GET, "/api/models/:id/file", READ);
    rule(POST, "/api/models/:id/predict", READ, null, ModelsApi.MAX_PREDICT_BYTES);
    rule(POST, "/api/models/:id/evaluate", WRITE);
    rule(POST, "/api/runs/:id/export", WRITE, "run.export");
    // artifacts, any file of a run (ArtifactRoutes): uploads stream to disk under
    // --max-artifact-bytes
    rule(GET, "/api/runs/:id/artifacts", READ);
    rule(GET, ArtifactRoutes.DOWNLOAD, READ);
    rule(PUT, ArtifactRoutes.NATIVE_UPLOAD, WRITE, null, STREAMED);
    rule(PUT, ArtifactRoutes.MLFLOW_PROXY + "/*", WRITE, null, STREAMED);
    rule(GET, ArtifactRoutes.MLFLOW_PROXY + "/*", READ);
    rule(GET, ArtifactRoutes.MLFLOW_PROXY, READ);
    rule(GET, ArtifactRoutes.MLFLOW_LIST, READ);
    // sweeps and the cluster (SweepRoutes)
    rule(GET, "/api/sweeps", READ);
    rule(POST, "/api/sweeps", WRITE, "sweep.submit");
    rule(GET, "/api/sweeps/:id", READ);
    rule(GET, "/api/sweeps/:id/trials", READ);
    rule(GET, "/api/sweeps/:id/importance", READ);
    rule(POST, "/api/sweeps/:id/stop", WRITE, "sweep.stop");
    rule(GET, "/api/cluster/workers", READ);
    // the tracking API for outside code (TrackingRoutes, docs/tracking.md)
    rule(POST, "/api/tracking/runs", WRITE, null, TRACKING_MAX_BODY_BYTES);
    rule(GET, "/api/tracking/runs/:id", READ);
    for (String write :
        List.of(
            "scalars",
            "images",
            "histograms",
            "texts",
            "graph",
            "params",
            "tags",
            "heartbeat",
            "end")) {
      rule(POST, "/api/tracking/runs/:id/" + write, WRITE, null, TRACKING_MAX_BODY_BYTES);
    }
    // the MLflow REST API 2.0 (MlflowRoutes, RegistryRoutes, docs/mlflow.md): searches sent as POST
    // only read
    String mlflow = MlflowPaths.PREFIX + "/";
    MlflowPaths.READS.forEach(p -> rule(GET, mlflow + p, READ));
    MlflowPaths.POST_READS.forEach(
        p -> rule(POST, mlflow + p, READ, null, MlflowPaths.MAX_BODY_BYTES));
    MlflowPaths.WRITES.forEach(
        p -> rule(POST, mlflow + p, WRITE, null, MlflowPaths.MAX_BODY_BYTES));
    MlflowPaths.REGISTRY_READS.forEach(p -> rule(GET, mlflow + p, READ));
    MlflowPaths.REGISTRY_POST_READS.forEach(
        p -> rule(POST, mlflow + p, READ, null, MlflowPaths.MAX_BODY_BYTES));
    MlflowPaths.REGISTRY_POST_WRITES.forEach(
        p -> rule(POST, mlflow + p, WRITE, null, MlflowPaths.MAX_BODY_BYTES));
    MlflowPaths.REGISTRY_PATCH_WRITES.forEach(
        p -> rule(HttpMethod.PATCH, mlflow + p, WRITE, null, MlflowPaths.MAX_BODY_BYTES));
    MlflowPaths.REGISTRY_DELETE_WRITES.forEach(
        p -> rule(DELETE, mlflow + p, WRITE, null, MlflowPaths.MAX_BODY_BYTES));
    // the Open Inference Protocol (OpenInferenceRoutes): health probes open, models and inference
    // read
    rule(GET, "/v2/health/live", PUBLIC);
    rule(GET, "/v2/health/ready", PUBLIC);
    rule(GET, "/v2", READ);
    for (String model : List.of("/v2/models/:name", "/v2/models/:name/versions/:version")) {
      rule(GET, model, READ);
      rule(GET, model + "/ready", READ);
      rule(POST, model + "/infer", READ, null, ModelsApi.MAX_PREDICT_BYTES);
    }
    // the dashboard's static files (everything outside /api and /v2)
    rule(GET, "/*", PUBLIC);
  }

  private AccessRules() {}

  private static void rule(HttpMethod method, String path, Access access) {
    rule(method, path, access, null, DEFAULT_BODY);
  }

  private static void rule(HttpMethod method, String path, Access access, String audit) {
    rule(method, path, access, audit, DEFAULT_BODY);
  }

  private static void rule(
      HttpMethod method, String path, Access access, String audit, long bodyLimit) {
    RULES.add(new Rule(method, path, access, audit, bodyLimit, compile(path)));
    int special = path.length();
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == ':' || path.charAt(i) == '*') {
        special = i;
        break;
      }
    }
    PREFIXES.add(path.substring(0, special));
  }

  static Pattern compile(String path) {
    if (path.equals("/*")) {
      return Pattern.compile("/(?!(api|v2)(/|$)).*"); // static files: never an /api or /v2 path
    }
    StringBuilder re = new StringBuilder();
    for (String seg : path.substring(1).split("/")) {
      re.append('/');
      if (seg.startsWith(":")) {
        re.append("[^/]+");
      } else if (seg.equals("*")) {
        re.append(".*");
      } else {
        re.append(Pattern.quote(seg));
      }
    }
    return Pattern.compile(re + "/?");
  }

  /** Every rule, in table order. */
  public static List<Rule> all() {
    return List.copyOf(RULES);
  }

  /** The first rule that allows this request, or empty (refuse). */
  public static Optional<Rule> find(HttpMethod method, String path) {
    for (int i = 0; i < RULES.size(); i++) {
      Rule r = RULES.get(i);
      if (path.startsWith(PREFIXES.get(i)) && r.matches(method, path)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** True when the route streams its body instead of buffering it (see {@link UploadBudget}). */
  static boolean streamsBody(HttpMethod method, String path) {
    return find(method, path)
        .map(
            r -> r.bodyLimit() == STREAMED || STREAMED_ROUTES.contains(r.method() + " " + r.path()))
        .orElse(false);
  }

  /** True when some rule is written for exactly this method and route path. */
  static boolean hasRuleFor(HttpMethod method, String routePath) {
    for (Rule r : RULES) {
      // Vert.x reports a route "/a/*" as "/a/"
      boolean same =
          r.path.equals(routePath)
              || (r.path.endsWith("/*")
                  && r.path.length() > 2
                  && r.path.substring(0, r.path.length() - 1).equals(routePath));
      if (r.method.equals(method) && same) {
        return true;
      }
    }
    return false;
  }
}
