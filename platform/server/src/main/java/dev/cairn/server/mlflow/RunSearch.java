package dev.cairn.server.mlflow;

import dev.cairn.core.tracking.RunRecord;
import dev.cairn.core.tracking.SeriesSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** search-runs: a filter and an order over runs, with MLflow's attribute names. */
final class RunSearch {
  static final Set<String> STRING_ATTRIBUTES =
      Set.of(
          "run_id",
          "run_name",
          "status",
          "user_id",
          "artifact_uri",
          "lifecycle_stage",
          "run name",
          "Run name",
          "Run Name");
  static final Set<String> NUMERIC_ATTRIBUTES =
      Set.of("start_time", "end_time", "created", "Created");

  /**
   * A run being searched; its params, tags and latest metrics are read when a clause first asks.
   */
  static final class Candidate {
    private final MlflowRoutes routes;
    private final RunRecord run;
    private final long experimentId;
    private final String stage;
    private Map<String, String> params;
    private Map<String, String> tags;
    private Map<String, Double> metrics;

    Candidate(MlflowRoutes routes, RunRecord run, long experimentId, String stage) {
      this.routes = routes;
      this.run = run;
      this.experimentId = experimentId;
      this.stage = stage;
    }

    RunRecord run() {
      return run;
    }

    Object value(String type, String key) {
      return switch (type) {
        case Filters.METRIC -> metrics().get(key);
        case Filters.PARAM -> params().get(key);
        case Filters.TAG -> tags().get(key);
        default -> attribute(key);
      };
    }

    private Map<String, String> params() {
      if (params == null) {
        params = routes.platform.store().params(run.id());
      }
      return params;
    }

    private Map<String, String> tags() {
      if (tags == null) {
        tags = new LinkedHashMap<>();
        tags.put("mlflow.runName", run.name());
        tags.putAll(routes.store.runTags(run.id()));
      }
      return tags;
    }

    private Map<String, Double> metrics() {
      if (metrics == null) {
        metrics = new LinkedHashMap<>();
        for (SeriesSummary s : routes.platform.store().series(run.id())) {
          metrics.put(s.tag(), s.lastValue());
        }
      }
      return metrics;
    }

    private Object attribute(String key) {
      return switch (key) {
        case "run_id" -> run.id();
        case "run_name", "run name", "Run name", "Run Name" -> run.name();
        case "status" -> MlflowRoutes.status(run.status());
        case "user_id" -> tags().getOrDefault("mlflow.user", run.owner());
        case "artifact_uri" -> "mlflow-artifacts:/" + experimentId + "/" + run.id() + "/artifacts";
        case "lifecycle_stage" -> stage;
        case "start_time", "created", "Created" ->
            (double) (run.startedAt() != null ? run.startedAt() : run.createdAt()).toEpochMilli();
        case "end_time" -> run.endedAt() == null ? null : (double) run.endedAt().toEpochMilli();
        default -> null;
      };
    }
  }

  private final List<Filters.Clause> clauses;
  private final List<Filters.Order> orders;

  RunSearch(List<Filters.Clause> clauses, List<Filters.Order> orders) {
    for (Filters.Clause c : clauses) {
      switch (c.type()) {
        case Filters.METRIC -> Filters.check(c, true);
        case Filters.PARAM, Filters.TAG -> Filters.check(c, false);
        case Filters.ATTRIBUTE -> {
          if (NUMERIC_ATTRIBUTES.contains(c.key())) {
            Filters.check(c, true);
          } else if (STRING_ATTRIBUTES.contains(c.key())) {
            Filters.check(c, false);
          } else {
            throw MlflowException.invalid(
                "Invalid attribute key '"
                    + c.key()
                    + "' specified. Valid keys are "
                    + "[run_id, run_name, status, user_id, artifact_uri, lifecycle_stage, start_time, end_time, created]");
          }
        }
        default ->
            throw MlflowException.invalid(
                "Filtering runs by "
                    + c.type()
                    + " is not supported by Cairn;"
                    + " filter by metrics, params, tags or attributes");
      }
    }
    for (Filters.Order o : orders) {
      if (o.type().equals(Filters.DATASET)
          || (o.type().equals(Filters.ATTRIBUTE)
              && !STRING_ATTRIBUTES.contains(o.key())
              && !NUMERIC_ATTRIBUTES.contains(o.key()))) {
        throw MlflowException.invalid(
            "Invalid order_by key '"
                + o.type()
                + "."
                + o.key()
                + "'; order by metrics.<key>,"
                + " params.<key>, tags.<key> or attributes.start_time, end_time, run_name, status, run_id, ...");
      }
    }
    this.clauses = clauses;
    this.orders = orders;
  }

  /**
   * The candidates that match, in order: the order_by keys, then start time newest first, then run
   * id.
   */
  List<Candidate> run(List<Candidate> candidates) {
    List<Candidate> out = new ArrayList<>();
    for (Candidate c : candidates) {
      if (clauses.stream().allMatch(cl -> Filters.matches(cl, c.value(cl.type(), cl.key())))) {
        out.add(c);
      }
    }
    Comparator<Candidate> cmp = null;
    for (Filters.Order o : orders) {
      Comparator<Candidate> next =
          MlflowRoutes.nullsLast(c -> c.value(o.type(), o.key()), o.ascending());
      cmp = cmp == null ? next : cmp.thenComparing(next);
    }
    Comparator<Candidate> dflt =
        MlflowRoutes.<Candidate>nullsLast(c -> c.value(Filters.ATTRIBUTE, "start_time"), false)
            .thenComparing(c -> c.run().id());
    out.sort(cmp == null ? dflt : cmp.thenComparing(dflt));
    return out;
  }
}
