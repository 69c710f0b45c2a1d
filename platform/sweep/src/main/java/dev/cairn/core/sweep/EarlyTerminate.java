package dev.cairn.core.sweep;

import java.util.Locale;

/**
 * How a sweep stops unpromising trials early, from the metric each trial reports per step (per
 * epoch for {@code epoch/*} metrics). Defaults follow Optuna's pruners.
 *
 * @param type which pruner
 * @param nStartupTrials median: no pruning until this many trials have finished (Optuna: 5)
 * @param nWarmupSteps median: no pruning before this step (Optuna: 0)
 * @param intervalSteps median: check every this many steps (Optuna: 1)
 * @param nMinTrials median: at least this many finished trials must have reported the step (Optuna:
 *     1)
 * @param minResource asha / hyperband: the first rung, in metric steps (W&B min_iter; default 1)
 * @param maxResource hyperband: the largest resource (default: the base spec's epochs)
 * @param reductionFactor asha / hyperband: keep the best 1/eta at each rung (W&B eta; default 3)
 */
public record EarlyTerminate(
    Type type,
    int nStartupTrials,
    long nWarmupSteps,
    long intervalSteps,
    int nMinTrials,
    long minResource,
    long maxResource,
    int reductionFactor) {

  /** The pruners. */
  public enum Type {
    MEDIAN,
    ASHA,
    HYPERBAND;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static EarlyTerminate median() {
    return new EarlyTerminate(Type.MEDIAN, 5, 0, 1, 1, 1, 0, 3);
  }

  /** The pruner for a sweep whose trials report up to {@code maxSteps} steps. */
  public Pruner pruner(long maxSteps, long seed) {
    long max = maxResource > 0 ? maxResource : maxSteps;
    return switch (type) {
      case MEDIAN -> new MedianPruner(nStartupTrials, nWarmupSteps, intervalSteps, nMinTrials);
      case ASHA -> new AshaPruner(minResource, reductionFactor, 0, max);
      case HYPERBAND -> new HyperbandPruner(minResource, max, reductionFactor, seed);
    };
  }
}
