package dev.cairn.core.sweep;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Asynchronous successive halving (ASHA), as Optuna's SuccessiveHalvingPruner: rungs sit at steps
 * {@code min_resource * eta^(k + s)}; when a trial reaches a rung, it goes on only if its value
 * there is among the best {@code 1/eta} of every value recorded at that rung so far (its own
 * included; with fewer than eta values, only the best goes on). Nothing is pruned at or after the
 * last step ({@code maxResource}).
 */
public final class AshaPruner implements Pruner {
  private final long minResource;
  private final int reductionFactor;
  private final int minEarlyStoppingRate;
  private final long maxResource;
  private final IntPredicate sameBracket;

  public AshaPruner(
      long minResource, int reductionFactor, int minEarlyStoppingRate, long maxResource) {
    this(minResource, reductionFactor, minEarlyStoppingRate, maxResource, t -> true);
  }

  AshaPruner(
      long minResource,
      int reductionFactor,
      int minEarlyStoppingRate,
      long maxResource,
      IntPredicate sameBracket) {
    this.minResource = minResource;
    this.reductionFactor = reductionFactor;
    this.minEarlyStoppingRate = minEarlyStoppingRate;
    this.maxResource = maxResource;
    this.sameBracket = sameBracket;
  }

  /** The rung steps below the last step. */
  public List<Long> rungs() {
    List<Long> out = new ArrayList<>();
    double r = minResource * Math.pow(reductionFactor, minEarlyStoppingRate);
    while (r < maxResource && r < Long.MAX_VALUE / reductionFactor) {
      out.add((long) r);
      r *= reductionFactor;
    }
    return out;
  }

  @Override
  public Optional<String> check(
      TrialHistory trial, long step, Collection<TrialHistory> all, Goal goal) {
    Long previous = trial.intermediate().lowerKey(step);
    long prev = previous == null ? 0 : previous;
    List<Long> rungs = rungs();
    for (int k = 0; k < rungs.size(); k++) {
      long rung = rungs.get(k);
      if (rung <= prev || rung > step) {
        continue;
      }
      Double value = valueAt(trial, rung);
      if (value == null || value.isNaN()) {
        return Optional.of("asha: no value at rung " + k + " (step " + rung + ")");
      }
      List<Double> competing = new ArrayList<>();
      for (TrialHistory t : all) {
        if (sameBracket.test(t.trialNo())) {
          Double v = valueAt(t, rung);
          if (v != null && !v.isNaN()) {
            competing.add(v);
          }
        }
      }
      int promotable = competing.size() / reductionFactor - 1;
      if (promotable < 0) {
        promotable = 0;
      }
      competing.sort(goal.bestFirst());
      double threshold = competing.get(promotable);
      if (goal.better(threshold, value)) {
        return Optional.of(
            String.format(
                Locale.ROOT,
                "asha at rung %d (step %d): %s is not in the best 1/%d of %d trials (needed %s)",
                k,
                rung,
                MedianPruner.fmt(value),
                reductionFactor,
                competing.size(),
                MedianPruner.fmt(threshold)));
      }
    }
    return Optional.empty();
  }

  /** The trial's value at a rung: at the rung's step, or the first step after it. */
  static Double valueAt(TrialHistory t, long rung) {
    Map.Entry<Long, Double> e = t.intermediate().ceilingEntry(rung);
    return e == null ? null : e.getValue();
  }
}
