package dev.cairn.core.sweep;

import java.util.Collection;
import java.util.Optional;

/**
 * Hyperband as Optuna runs it: several ASHA brackets side by side, bracket {@code s} with its first
 * rung at {@code min_resource * eta^s}, so that some trials are judged early and others only late.
 * Trials are assigned to brackets in proportion to each bracket's budget, deterministically from
 * the sweep seed and the trial number, and compete only within their bracket.
 */
public final class HyperbandPruner implements Pruner {
  private final AshaPruner[] brackets;
  private final double[] budgets;
  private final long seed;

  public HyperbandPruner(long minResource, long maxResource, int reductionFactor, long seed) {
    int n =
        (int)
                Math.floor(
                    Math.log((double) maxResource / minResource) / Math.log(reductionFactor) + 1e-9)
            + 1;
    n = Math.max(1, n);
    this.brackets = new AshaPruner[n];
    this.budgets = new double[n];
    this.seed = seed;
    for (int s = 0; s < n; s++) {
      int bracket = s;
      brackets[s] =
          new AshaPruner(
              minResource, reductionFactor, s, maxResource, t -> bracketOf(t) == bracket);
      // Optuna's allocation: the most aggressive bracket gets the largest share
      budgets[s] = Math.ceil((double) n / (n - s)) * Math.pow(reductionFactor, n - 1 - s);
    }
  }

  /** Number of brackets. */
  public int bracketCount() {
    return brackets.length;
  }

  /** The bracket a trial belongs to. */
  public int bracketOf(int trialNo) {
    double total = 0;
    for (double b : budgets) {
      total += b;
    }
    double u = RandomSampler.trialRandom(seed ^ 0x5DEECE66DL, trialNo).nextDouble() * total;
    for (int s = 0; s < budgets.length; s++) {
      u -= budgets[s];
      if (u < 0) {
        return s;
      }
    }
    return budgets.length - 1;
  }

  @Override
  public Optional<String> check(
      TrialHistory trial, long step, Collection<TrialHistory> all, Goal goal) {
    int b = bracketOf(trial.trialNo());
    return brackets[b]
        .check(trial, step, all, goal)
        .map(reason -> "hyperband bracket " + b + ", " + reason);
  }
}
