package dev.cairn.core.sweep;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed sweep: a base experiment spec, the parameters to vary and how to pick and stop trials.
 * See {@link SweepSpecParser} for the YAML form.
 *
 * @param name sweep name; trials are named {@code <name>-<trialNo>}
 * @param experiment experiment of the trial runs (default: the base spec's)
 * @param baseTree the base spec as a YAML tree, copied and changed per trial
 * @param baseText the base spec's text (provenance, resume hash)
 * @param method grid, random or bayes
 * @param metric the per-step tag the sweep optimises, e.g. {@code epoch/test_accuracy}
 * @param goal minimize or maximize
 * @param parameters what varies, in spec order
 * @param earlyTerminate pruner settings, or null for none
 * @param runCap trials at most (a grid stops earlier when exhausted)
 * @param parallel trials running at once
 * @param seed seeds the samplers (not the trials: each trial keeps the base spec's seed unless
 *     {@code seed} is a parameter)
 * @param tpe settings of the bayes method
 * @param maxSteps the last step a trial reports (the epochs, for {@code epoch/*} metrics)
 * @param text the sweep file's text
 */
public record SweepSpec(
    String name,
    String experiment,
    Map<String, Object> baseTree,
    String baseText,
    SweepMethod method,
    String metric,
    Goal goal,
    List<SweepParameter> parameters,
    EarlyTerminate earlyTerminate,
    int runCap,
    int parallel,
    long seed,
    TpeSettings tpe,
    long maxSteps,
    String text) {

  /**
   * Optuna TPESampler's defaults: 10 random startup trials, 24 candidates drawn from l(x) per
   * suggestion.
   */
  public record TpeSettings(int nStartupTrials, int nEiCandidates) {
    public static final TpeSettings DEFAULT = new TpeSettings(10, 24);
  }

  public SweepSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(goal, "goal");
    parameters = List.copyOf(parameters);
    tpe = tpe == null ? TpeSettings.DEFAULT : tpe;
  }

  /** The sampler this spec's method asks for. */
  public Sampler sampler() {
    return switch (method) {
      case GRID -> new GridSampler(parameters);
      case RANDOM -> new RandomSampler(parameters, seed);
      case BAYES -> new TpeSampler(parameters, goal, seed, tpe);
    };
  }

  /** The pruner, or {@link Pruner#NONE}. */
  public Pruner pruner() {
    return earlyTerminate == null ? Pruner.NONE : earlyTerminate.pruner(maxSteps, seed);
  }

  /** The same sweep with other limits (command-line overrides); 0 keeps the current value. */
  public SweepSpec withLimits(int newRunCap, int newParallel) {
    int cap = newRunCap > 0 ? newRunCap : runCap;
    if (method == SweepMethod.GRID) {
      cap = Math.min(cap, new GridSampler(parameters).size());
    }
    return new SweepSpec(
        name,
        experiment,
        baseTree,
        baseText,
        method,
        metric,
        goal,
        parameters,
        earlyTerminate,
        cap,
        newParallel > 0 ? newParallel : parallel,
        seed,
        tpe,
        maxSteps,
        text);
  }
}
