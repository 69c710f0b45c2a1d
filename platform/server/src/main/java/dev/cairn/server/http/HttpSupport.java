package dev.cairn.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * Request parsing and JSON responses shared by every route class (runs API, dashboard, media,
 * models, sweeps). Bad parameters become {@link ApiException}s naming the parameter and what is
 * allowed.
 */
public final class HttpSupport {
  static final int MAX_RUNS_PER_REQUEST = 200;
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  private HttpSupport() {}

  /**
   * Runs a blocking read on a worker and answers with its JSON: a JsonObject, or a {@link Buffer}
   * from {@link dev.cairn.server.json.JsonWriter} for large answers.
   */
  public static <T> void blocking(Vertx vertx, RoutingContext ctx, Callable<T> work) {
    vertx
        .executeBlocking(work, false)
        .onSuccess(result -> json(ctx, 200, result))
        .onFailure(ctx::fail);
  }

  public static void json(RoutingContext ctx, int status, Object body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(
            body instanceof Buffer b
                ? b
                : body instanceof JsonObject o
                    ? o.toBuffer()
                    : Buffer.buffer(String.valueOf(body)));
  }

  public static String required(RoutingContext ctx, String name, String example) {
    String v = ctx.queryParams().get(name);
    if (v == null || v.isBlank()) {
      throw ApiException.badRequest("query parameter '" + name + "' is required, e.g. " + example);
    }
    return v;
  }

  public static int intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
    String raw = ctx.queryParams().get(name);
    if (raw == null || raw.isBlank()) {
      return dflt;
    }
    long v;
    try {
      v = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "query parameter '" + name + "': '" + raw + "' is not an integer");
    }
    if (v < min || v > max) {
      throw ApiException.badRequest(
          "query parameter '" + name + "': " + v + " is out of range; allowed " + min + ".." + max);
    }
    return (int) v;
  }

  public static long longParam(RoutingContext ctx, String name, long dflt) {
    String raw = ctx.queryParams().get(name);
    if (raw == null || raw.isBlank()) {
      return dflt;
    }
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "query parameter '" + name + "': '" + raw + "' is not an integer");
    }
  }

  /**
   * An integer field of a JSON body: absent or null gives {@code dflt}; anything else not in range
   * is a 400 naming it.
   */
  public static int jsonInt(JsonObject body, String field, int dflt, int min, int max) {
    Object v = body.getValue(field);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n)
        || n.doubleValue() != Math.rint(n.doubleValue())
        || Double.isInfinite(n.doubleValue())) {
      throw ApiException.badRequest(
          "'" + field + "': " + describe(v) + " is not an integer; allowed " + min + ".." + max);
    }
    if (n.doubleValue() < min || n.doubleValue() > max) {
      throw ApiException.badRequest(
          "'" + field + "': " + v + " is out of range; allowed " + min + ".." + max);
    }
    return n.intValue();
  }

  /** A text field of a JSON body: absent or null gives null; another type is a 400 naming it. */
  public static String jsonString(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw ApiException.badRequest(
        "'" + field + "': " + describe(v) + " is not allowed; expected a string");
  }

  /**
   * A JSON object field of a JSON body: absent or null gives an empty object; another type is a
   * 400.
   */
  public static JsonObject jsonObject(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return new JsonObject();
    }
    if (v instanceof JsonObject o) {
      return o;
    }
    throw ApiException.badRequest(
        "'"
            + field
            + "': "
            + describe(v)
            + " is not allowed; expected an object,"
            + " e.g. {\""
            + field
            + "\": {\"key\": \"value\"}}");
  }

  /** A client's value as a short phrase for messages (never its Java type). */
  public static String describe(Object v) {
    if (v instanceof String s) {
      return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
    }
    if (v instanceof JsonArray) {
      return "a list";
    }
    if (v instanceof JsonObject) {
      return "an object";
    }
    String text = String.valueOf(v);
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }

  static double smoothing(RoutingContext ctx) {
    String raw = ctx.queryParams().get("smoothing");
    if (raw == null || raw.isBlank()) {
      return 0;
    }
    double w;
    try {
      w = Double.parseDouble(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("query parameter 'smoothing': '" + raw + "' is not a number");
    }
    if (!(w >= 0 && w < 1)) {
      throw ApiException.badRequest(
          "query parameter 'smoothing': " + raw + " is out of range; allowed 0 <= smoothing < 1");
    }
    return w;
  }

  /** The {@code runs} parameter: comma-separated run ids, 1..200 of them. */
  static List<String> runIds(RoutingContext ctx) {
    return runIds(ctx, "runs");
  }

  /** A parameter of comma-separated run ids, 1..200 of them. */
  static List<String> runIds(RoutingContext ctx, String name) {
    String raw = required(ctx, name, "?" + name + "=4k2m9x1q,7p3c0d2e");
    Set<String> ids = new LinkedHashSet<>();
    for (String part : raw.split(",")) {
      String id = part.trim();
      if (id.isEmpty()) {
        continue;
      }
      if (!RUN_ID.matcher(id).matches()) {
        throw ApiException.badRequest(
            "query parameter '" + name + "': '" + id + "' is not a run id");
      }
      ids.add(id);
    }
    if (ids.isEmpty()) {
      throw ApiException.badRequest("query parameter '" + name + "' names no run");
    }
    if (ids.size() > MAX_RUNS_PER_REQUEST) {
      throw ApiException.badRequest(
          "query parameter '"
              + name
              + "': "
              + ids.size()
              + " runs; at most "
              + MAX_RUNS_PER_REQUEST
              + " per request");
    }
    return new ArrayList<>(ids);
  }

  static String format(RoutingContext ctx) {
    String f = ctx.queryParams().get("format");
    if (f == null || f.isBlank()) {
      return "csv";
    }
    f = f.trim().toLowerCase(Locale.ROOT);
    if (!f.equals("csv") && !f.equals("json")) {
      throw ApiException.badRequest(
          "query parameter 'format': '" + f + "' is not allowed; one of: csv, json");
    }
    return f;
  }
}
