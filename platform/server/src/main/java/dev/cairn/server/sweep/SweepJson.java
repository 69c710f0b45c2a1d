package dev.cairn.server.sweep;

import dev.cairn.core.sweep.Domain;
import dev.cairn.core.sweep.ParameterImportance;
import dev.cairn.core.sweep.SweepParameter;
import dev.cairn.core.sweep.SweepRecord;
import dev.cairn.core.sweep.SweepSpec;
import dev.cairn.core.sweep.TrialRecord;
import dev.cairn.core.sweep.TrialState;
import dev.cairn.server.json.JsonMapping;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** JSON forms of sweeps and trials for the REST API (docs/api.md, "Sweeps"). */
final class SweepJson {
  private SweepJson() {}

  static JsonObject sweep(SweepRecord s, List<TrialRecord> trials) {
    Map<TrialState, Integer> counts = new EnumMap<>(TrialState.class);
    for (TrialState st : TrialState.values()) {
      counts.put(st, 0);
    }
    trials.forEach(t -> counts.merge(t.status(), 1, Integer::sum));
    JsonObject c = new JsonObject();
    counts.forEach((k, v) -> c.put(k.label(), v));
    return new JsonObject()
        .put("id", s.id())
        .put("name", s.name())
        .put("experiment", s.experiment())
        .put("status", s.status().name())
        .put("method", s.method().label())
        .put("metric", s.metric())
        .put("goal", s.goal().label())
        .put("runCap", s.runCap())
        .put("parallel", s.parallel())
        .put("seed", s.seed())
        .put("createdAt", time(s.createdAt()))
        .put("endedAt", time(s.endedAt()))
        .put("message", s.message())
        .put("trials", trials.size())
        .put("counts", c)
        .put("best", best(s, trials));
  }

  static JsonObject best(SweepRecord s, List<TrialRecord> trials) {
    TrialRecord best = null;
    for (TrialRecord t : trials) {
      if (t.status() == TrialState.FINISHED
          && t.objective() != null
          && (best == null || s.goal().better(t.objective(), best.objective()))) {
        best = t;
      }
    }
    return best == null
        ? null
        : new JsonObject()
            .put("trialNo", best.trialNo())
            .put("runId", best.runId())
            .put("value", JsonMapping.finite(best.objective()))
            .put("params", new JsonObject(best.params()));
  }

  /** The best objective after each finished trial, in the order they ended. */
  static JsonArray bestSoFar(SweepRecord s, List<TrialRecord> trials) {
    JsonArray out = new JsonArray();
    Double best = null;
    List<TrialRecord> ended =
        trials.stream()
            .filter(
                t ->
                    t.status() == TrialState.FINISHED
                        && t.objective() != null
                        && t.endedAt() != null)
            .sorted(
                Comparator.comparing(TrialRecord::endedAt).thenComparingInt(TrialRecord::trialNo))
            .toList();
    for (TrialRecord t : ended) {
      if (best == null || s.goal().better(t.objective(), best)) {
        best = t.objective();
      }
      out.add(
          new JsonObject()
              .put("trialNo", t.trialNo())
              .put("runId", t.runId())
              .put("endedAt", time(t.endedAt()))
              .put("value", JsonMapping.finite(t.objective()))
              .put("best", JsonMapping.finite(best)));
    }
    return out;
  }

  static JsonObject trial(TrialRecord t) {
    return new JsonObject()
        .put("trialNo", t.trialNo())
        .put("runId", t.runId())
        .put("status", t.status().name())
        .put("params", new JsonObject(t.params()))
        .put("value", t.objective() == null ? null : JsonMapping.finite(t.objective()))
        .put("step", t.objectiveStep())
        .put("prunedStep", t.prunedStep())
        .put("attempts", t.attempts())
        .put("worker", t.worker())
        .put("message", t.message())
        .put("createdAt", time(t.createdAt()))
        .put("dispatchedAt", time(t.dispatchedAt()))
        .put("runningAt", time(t.runningAt()))
        .put("firstMetricAt", time(t.firstMetricAt()))
        .put("firstStoredAt", time(t.firstStoredAt()))
        .put("endedAt", time(t.endedAt()));
  }

  static JsonArray parameters(SweepSpec spec) {
    JsonArray out = new JsonArray();
    for (SweepParameter p : spec.parameters()) {
      JsonObject d = new JsonObject().put("path", p.path()).put("distribution", p.domain().kind());
      Domain dom = p.domain();
      if (dom instanceof Domain.Fixed f) {
        d.put("value", f.value());
      } else if (dom instanceof Domain.Categorical c) {
        d.put("values", new JsonArray(c.values()));
        if (c.probabilities() != null) {
          JsonArray probs = new JsonArray();
          for (double v : c.probabilities()) {
            probs.add(v);
          }
          d.put("probabilities", probs);
        }
      } else if (dom instanceof Domain.Uniform u) {
        d.put("min", u.min()).put("max", u.max());
      } else if (dom instanceof Domain.IntUniform u) {
        d.put("min", u.min()).put("max", u.max());
      } else if (dom instanceof Domain.LogUniform u) {
        d.put("min", u.min()).put("max", u.max()).put("log", true);
      } else if (dom instanceof Domain.QUniform u) {
        d.put("min", u.min()).put("max", u.max()).put("q", u.q());
      } else if (dom instanceof Domain.Normal n) {
        d.put("mu", n.mu()).put("sigma", n.sigma());
      }
      out.add(d);
    }
    return out;
  }

  static JsonObject importance(ParameterImportance.Result r) {
    JsonArray items = new JsonArray();
    r.importances()
        .forEach(
            i ->
                items.add(
                    new JsonObject().put("param", i.path()).put("importance", i.importance())));
    return new JsonObject()
        .put("method", r.method())
        .put("trials", r.trials())
        .put("importances", items)
        .put("note", r.note());
  }

  static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
