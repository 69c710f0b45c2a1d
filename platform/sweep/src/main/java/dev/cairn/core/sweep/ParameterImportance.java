package dev.cairn.core.sweep;

import dev.cairn.core.sweep.internal.RegressionForest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which parameters matter: fANOVA main effects over a random forest, as Optuna's
 * FanovaImportanceEvaluator. A forest of 64 regression trees is fitted to the finished trials
 * (parameters scaled to [0, 1] over their domain, log-scaled ones in log space, categorical values
 * as equal cells in list order; target: the objective); for each tree, a parameter's importance is
 * the variance of the tree's prediction explained by that parameter alone, averaged over every
 * other parameter (the first-order fANOVA term); the per-tree fractions are averaged and normalised
 * to sum to 1. Interactions are not attributed to any single parameter, and with few trials the
 * numbers are rough: the result says how many trials it used.
 */
public final class ParameterImportance {
  public static final String METHOD =
      "fANOVA main effects over a random forest (64 trees) fitted to the finished trials, normalised to sum to 1";
  static final int TREES = 64;
  static final int MIN_TRIALS = 3;

  private ParameterImportance() {}

  /** One parameter's share. */
  public record Importance(String path, double importance) {}

  /** Importances, largest first; empty with a note when there are too few trials. */
  public record Result(String method, int trials, List<Importance> importances, String note) {}

  public static Result evaluate(
      List<SweepParameter> parameters, Collection<TrialHistory> trials, long seed) {
    List<SweepParameter> varied =
        parameters.stream().filter(p -> !(p.domain() instanceof Domain.Fixed)).toList();
    List<TrialHistory> finished =
        trials.stream()
            .filter(
                t ->
                    t.state() == TrialState.FINISHED
                        && t.objective() != null
                        && Double.isFinite(t.objective()))
            .sorted(Comparator.comparingInt(TrialHistory::trialNo))
            .toList();
    if (varied.isEmpty()) {
      return new Result(METHOD, finished.size(), List.of(), "no parameter varies");
    }
    if (finished.size() < MIN_TRIALS) {
      return new Result(
          METHOD,
          finished.size(),
          List.of(),
          "needs at least " + MIN_TRIALS + " finished trials, has " + finished.size());
    }
    int d = varied.size();
    double[][] x = new double[finished.size()][d];
    double[] y = new double[finished.size()];
    for (int i = 0; i < finished.size(); i++) {
      TrialHistory t = finished.get(i);
      y[i] = t.objective();
      for (int j = 0; j < d; j++) {
        x[i][j] = scale(varied.get(j).domain(), t.params().get(varied.get(j).path()));
      }
    }
    RegressionForest forest = new RegressionForest(x, y, TREES, 64, 2, 1, seed);
    double[] sum = new double[d];
    int used = 0;
    for (var tree : forest.trees()) {
      double[] effects = RegressionForest.mainEffects(tree, d);
      if (effects != null) {
        for (int j = 0; j < d; j++) {
          sum[j] += effects[j];
        }
        used++;
      }
    }
    double total = 0;
    for (int j = 0; j < d; j++) {
      sum[j] = used == 0 ? 0 : sum[j] / used;
      total += sum[j];
    }
    List<Importance> out = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      out.add(new Importance(varied.get(j).path(), total > 0 ? sum[j] / total : 0));
    }
    out.sort(Comparator.comparingDouble(Importance::importance).reversed());
    String note = used == 0 ? "every finished trial has the same objective" : null;
    return new Result(METHOD, finished.size(), out, note);
  }

  /** A value's position in its domain, in [0, 1]. */
  static double scale(Domain domain, Object value) {
    if (domain instanceof Domain.Categorical c) {
      int i = Math.max(0, c.indexOf(value));
      return (i + 0.5) / c.values().size();
    }
    if (domain instanceof Domain.Numeric n && value instanceof Number v) {
      double s = (n.toSearch(v) - n.low()) / (n.high() - n.low());
      return Double.isFinite(s) ? Math.min(1, Math.max(0, s)) : 0.5;
    }
    return 0.5;
  }
}
