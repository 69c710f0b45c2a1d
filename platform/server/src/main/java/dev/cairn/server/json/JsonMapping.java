package dev.cairn.server.json;

import dev.cairn.core.plugins.InstalledExtension;
import dev.cairn.core.tracking.NewRun;
import dev.cairn.core.tracking.RunRecord;
import dev.cairn.core.tracking.Series;
import dev.cairn.core.tracking.SeriesSummary;
import dev.cairn.core.training.TrainingResult;
import dev.cairn.spi.ParamSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON forms of Cairn's values, shared by the event bus, the REST API and {@code --json}. */
public final class JsonMapping {
  private JsonMapping() {}

  public static JsonObject toJson(NewRun run) {
    return new JsonObject()
        .put("experiment", run.experiment())
        .put("name", run.name())
        .put("specText", run.specText())
        .put("specHash", run.specHash())
        .put("seed", run.seed())
        .put("device", run.device())
        .put("provenance", new JsonObject(new LinkedHashMap<>(run.provenance())))
        .put("params", new JsonObject(new LinkedHashMap<>(run.params())));
  }

  public static NewRun newRun(JsonObject json) {
    return new NewRun(
        json.getString("experiment"),
        json.getString("name"),
        json.getString("specText"),
        json.getString("specHash"),
        json.getLong("seed", 0L),
        json.getString("device"),
        strings(json.getJsonObject("provenance")),
        strings(json.getJsonObject("params")));
  }

  public static JsonObject toJson(RunRecord run) {
    return new JsonObject()
        .put("id", run.id())
        .put("experiment", run.experiment())
        .put("name", run.name())
        .put("status", run.status().name())
        .put("createdAt", time(run.createdAt()))
        .put("startedAt", time(run.startedAt()))
        .put("endedAt", time(run.endedAt()))
        .put("durationSeconds", duration(run))
        .put("seed", run.seed())
        .put("device", run.device())
        .put("specHash", run.specHash())
        .put("message", run.message())
        .put("source", run.provenance().getOrDefault("source", "cairn-trainer"))
        .put("owner", run.owner())
        .put("provenance", new JsonObject(new LinkedHashMap<>(run.provenance())));
  }

  static Double duration(RunRecord run) {
    if (run.startedAt() == null) {
      return null;
    }
    Instant end = run.endedAt() == null ? Instant.now() : run.endedAt();
    return (end.toEpochMilli() - run.startedAt().toEpochMilli()) / 1000.0;
  }

  public static JsonObject toJson(SeriesSummary s) {
    return new JsonObject()
        .put("tag", s.tag())
        .put("count", s.count())
        .put("firstStep", s.firstStep())
        .put("lastStep", s.lastStep())
        .put("min", finite(s.min()))
        .put("max", finite(s.max()))
        .put("last", finite(s.lastValue()));
  }

  public static JsonObject toJson(Series s) {
    JsonArray steps = new JsonArray();
    JsonArray wall = new JsonArray();
    JsonArray values = new JsonArray();
    for (int i = 0; i < s.size(); i++) {
      steps.add(s.steps()[i]);
      wall.add(s.wallTimes()[i]);
      values.add(finite(s.values()[i]));
    }
    return new JsonObject()
        .put("runId", s.runId())
        .put("tag", s.tag())
        .put("totalPoints", s.totalPoints())
        .put("downsampled", s.downsampled())
        .put("steps", steps)
        .put("wallTimes", wall)
        .put("values", values);
  }

  /** Final metrics of a run: the last value of every series. */
  public static JsonObject lastValues(List<SeriesSummary> series) {
    JsonObject out = new JsonObject();
    series.forEach(s -> out.put(s.tag(), finite(s.lastValue())));
    return out;
  }

  public static JsonObject toJson(TrainingResult result) {
    JsonObject metrics = new JsonObject();
    result.metrics().forEach((k, v) -> metrics.put(k, finite(v)));
    JsonObject parameters = new JsonObject();
    result
        .parameters()
        .forEach(
            (name, p) -> {
              JsonArray values = new JsonArray();
              for (float v : p.values()) {
                values.add((double) v);
              }
              JsonArray shape = new JsonArray();
              for (long d : p.shape()) {
                shape.add(d);
              }
              parameters.put(name, new JsonObject().put("shape", shape).put("values", values));
            });
    return new JsonObject()
        .put("device", result.device())
        .put("epochs", result.epochs())
        .put("steps", result.steps())
        .put("parameterCount", result.parameterCount())
        .put("seconds", result.seconds())
        .put("metrics", metrics)
        .put("parameters", parameters);
  }

  public static JsonObject toJson(InstalledExtension ext) {
    JsonArray params = new JsonArray();
    for (ParamSpec p : ext.extension().params()) {
      params.add(
          new JsonObject()
              .put("name", p.name())
              .put("type", p.type().name().toLowerCase())
              .put("default", p.defaultValue())
              .put("required", p.required())
              .put("allowed", p.allowed())
              .put("description", p.description()));
    }
    return new JsonObject()
        .put("kind", ext.kind().section())
        .put("id", ext.id())
        .put("plugin", ext.pluginId())
        .put("version", ext.pluginVersion())
        .put("description", ext.extension().description())
        .put("params", params);
  }

  static Map<String, String> strings(JsonObject json) {
    Map<String, String> out = new LinkedHashMap<>();
    if (json != null) {
      json.forEach(
          e -> out.put(e.getKey(), e.getValue() == null ? null : String.valueOf(e.getValue())));
    }
    return out;
  }

  static String time(Instant t) {
    return t == null ? null : t.toString();
  }

  /** JSON has no NaN or infinity: they become null. */
  public static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
