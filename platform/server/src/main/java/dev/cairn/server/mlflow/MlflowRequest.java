package dev.cairn.server.mlflow;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of one MLflow call: the JSON body of a POST, PATCH or DELETE, or the query string
 * of a GET (MLflow clients send both forms). Protobuf's JSON writes 64-bit integers as strings, so
 * numbers are read from either. A bad value fails with INVALID_PARAMETER_VALUE naming the field.
 */
final class MlflowRequest {
  private final RoutingContext ctx;
  private final JsonObject body;

  private MlflowRequest(RoutingContext ctx, JsonObject body) {
    this.ctx = ctx;
    this.body = body;
  }

  static MlflowRequest of(RoutingContext ctx) {
    JsonObject body = null;
    if (!ctx.request().method().equals(HttpMethod.GET)
        && ctx.body() != null
        && ctx.body().length() > 0) {
      Object parsed;
      try {
        parsed = Json.decodeValue(ctx.body().buffer());
      } catch (RuntimeException e) {
        throw MlflowException.invalid("the request body is not valid JSON; send one JSON object");
      }
      if (!(parsed instanceof JsonObject object)) {
        throw MlflowException.invalid(
            "the request body must be a JSON object, not "
                + (parsed instanceof JsonArray
                    ? "an array"
                    : parsed == null ? "null" : "a single value"));
      }
      body = object;
    }
    return new MlflowRequest(ctx, body);
  }

  private Object raw(String name) {
    if (body != null && body.containsKey(name)) {
      return body.getValue(name);
    }
    return ctx.queryParams().get(name);
  }

  boolean has(String name) {
    return raw(name) != null;
  }

  String string(String name) {
    Object v = raw(name);
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    throw MlflowException.invalid("Invalid value for parameter '" + name + "': expected a string");
  }

  String required(String name) {
    String v = string(name);
    if (v == null || v.isEmpty()) {
      throw MlflowException.invalid("Missing value for required parameter '" + name + "'.");
    }
    return v;
  }

  /** A string of at most {@code max} characters (MLflow's key and value limits). */
  String bounded(String name, int max, boolean required) {
    String v = required ? required(name) : string(name);
    if (v != null && v.length() > max) {
      throw MlflowException.invalid(
          "'"
              + name
              + "' exceeds the maximum length of "
              + max
              + " characters (got "
              + v.length()
              + ")");
    }
    return v;
  }

  Long longValue(String name) {
    return toLong(raw(name), name);
  }

  long longValue(String name, long dflt) {
    Long v = longValue(name);
    return v == null ? dflt : v;
  }

  int intValue(String name, int dflt, int min, int max) {
    Long v = longValue(name);
    if (v == null) {
      return dflt;
    }
    if (v < min || v > max) {
      throw MlflowException.invalid(
          "Invalid value " + v + " for parameter '" + name + "': allowed " + min + ".." + max);
    }
    return v.intValue();
  }

  boolean bool(String name) {
    Object v = raw(name);
    return v instanceof Boolean b ? b : v != null && "true".equalsIgnoreCase(String.valueOf(v));
  }

  /** A repeated string field: a JSON array, or the query parameter given several times. */
  List<String> strings(String name) {
    List<String> out = new ArrayList<>();
    if (body != null && body.containsKey(name)) {
      Object v = body.getValue(name);
      if (v instanceof JsonArray a) {
        for (Object o : a) {
          if (o instanceof String s) {
            out.add(s);
          } else if (o instanceof Integer || o instanceof Long) {
            out.add(o.toString()); // e.g. experiment ids written as numbers
          } else {
            throw MlflowException.invalid(
                "Invalid value for parameter '" + name + "': expected a list of strings");
          }
        }
      } else if (v instanceof String s) {
        out.add(s);
      } else if (v != null) {
        throw MlflowException.invalid(
            "Invalid value for parameter '" + name + "': expected a list of strings");
      }
      return out;
    }
    out.addAll(ctx.queryParams().getAll(name));
    return out;
  }

  /** A repeated message field of the body (e.g. log-batch's metrics). */
  List<JsonObject> objects(String name) {
    List<JsonObject> out = new ArrayList<>();
    Object v = body == null ? null : body.getValue(name);
    if (v == null) {
      return out;
    }
    if (!(v instanceof JsonArray a)) {
      throw MlflowException.invalid(
          "Invalid value for parameter '" + name + "': expected a list of objects");
    }
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof JsonObject o)) {
        throw MlflowException.invalid(
            "Invalid value for parameter '" + name + "[" + i + "]': expected an object");
      }
      out.add(o);
    }
    return out;
  }

  static Long toLong(Object v, String name) {
    if (v == null) {
      return null;
    }
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        // falls through
      }
    }
    throw MlflowException.invalid(
        "Invalid value " + v + " for parameter '" + name + "': expected an integer");
  }

  static double toDouble(Object v, String name) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      switch (s.trim()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          try {
            return Double.parseDouble(s.trim());
          } catch (NumberFormatException e) {
            // falls through
          }
      }
    }
    throw MlflowException.invalid(
        "Invalid value " + v + " for parameter '" + name + "': expected a number");
  }
}
