package dev.cairn.core.sweep;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Optuna's MedianPruner: stop a trial whose best value so far is worse than the median of the
 * finished trials' values at the same step. Defaults: n_startup_trials 5 (no pruning until five
 * trials have finished), n_warmup_steps 0, interval_steps 1, n_min_trials 1.
 */
public final class MedianPruner implements Pruner {
  private final int nStartupTrials;
  private final long nWarmupSteps;
  private final long intervalSteps;
  private final int nMinTrials;

  public MedianPruner(int nStartupTrials, long nWarmupSteps, long intervalSteps, int nMinTrials) {
    this.nStartupTrials = nStartupTrials;
    this.nWarmupSteps = nWarmupSteps;
    this.intervalSteps = Math.max(1, intervalSteps);
    this.nMinTrials = Math.max(1, nMinTrials);
  }

  @Override
  public Optional<String> check(
      TrialHistory trial, long step, Collection<TrialHistory> all, Goal goal) {
    List<TrialHistory> finished =
        all.stream().filter(t -> t.state() == TrialState.FINISHED).toList();
    if (finished.size() < nStartupTrials
        || step <= nWarmupSteps
        || (step - nWarmupSteps) % intervalSteps != 0) {
      return Optional.empty();
    }
    List<Double> atStep = new ArrayList<>();
    for (TrialHistory t : finished) {
      Double v = t.intermediate().get(step);
      if (v != null && !v.isNaN()) {
        atStep.add(v);
      }
    }
    if (atStep.size() < nMinTrials) {
      return Optional.empty();
    }
    double best = Double.NaN;
    for (double v : trial.intermediate().headMap(step, true).values()) {
      if (!Double.isNaN(v) && (Double.isNaN(best) || goal.better(v, best))) {
        best = v;
      }
    }
    double median = median(atStep);
    if (Double.isNaN(best) || goal.better(median, best)) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "median pruner at step %d: best value so far %s is worse than the median %s of %d finished trials",
              step,
              fmt(best),
              fmt(median),
              atStep.size()));
    }
    return Optional.empty();
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : 0.5 * (sorted.get(n / 2 - 1) + sorted.get(n / 2));
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
