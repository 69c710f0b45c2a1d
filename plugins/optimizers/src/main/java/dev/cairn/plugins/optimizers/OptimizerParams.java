package dev.cairn.plugins.optimizers;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.cairn.spi.OptimizerContext;
import dev.cairn.spi.OptimizerSetup;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import java.util.ArrayList;
import java.util.List;

/** Parameters the optimizers share, and the checks {@link ParamSpec} cannot express. */
final class OptimizerParams {
  static final List<String> SCHEDULES =
      List.of("constant", "step", "exponential", "cosine", "linear", "one-cycle");

  private OptimizerParams() {}

  static ParamSpec weightDecay() {
    return ParamSpec.ofDouble("weightDecay", 0.0, "L2 weight decay λ added to the gradient as λw")
        .atLeast(0);
  }

  static ParamSpec clipGrad() {
    return ParamSpec.ofDouble("clipGrad", 0.0, "clip each gradient value to [-c, c]; 0 = off")
        .atLeast(0);
  }

  /** A number in [0, 1). */
  static ParamSpec fraction(String name, double defaultValue, String description) {
    return ParamSpec.ofDouble(name, defaultValue, description).atLeast(0).lessThan(1);
  }

  /** {@code lr} with the given default, then the schedule's parameters. */
  static List<ParamSpec> learningRate(double defaultLr) {
    List<ParamSpec> out = new ArrayList<>();
    out.add(
        ParamSpec.ofDouble("lr", defaultLr, "learning rate (the peak for one-cycle)")
            .greaterThan(0));
    out.add(ParamSpec.ofChoice("schedule", "constant", SCHEDULES, "learning-rate schedule"));
    out.add(
        ParamSpec.ofInt("warmupSteps", 0, "linear warm-up from 0 over the first N updates")
            .atLeast(0));
    out.add(
        ParamSpec.ofDouble(
                "gamma", 0.1, "decay factor: per decayEpochs (step), per epoch" + " (exponential)")
            .greaterThan(0)
            .atMost(1));
    out.add(ParamSpec.ofInt("decayEpochs", 1, "epochs between decays (step)").greaterThan(0));
    out.add(ParamSpec.ofDouble("minLr", 0.0, "final learning rate (cosine, linear)").atLeast(0));
    out.add(
        ParamSpec.ofDouble("pctStart", 0.3, "share of the run spent rising (one-cycle)")
            .greaterThan(0)
            .lessThan(1));
    out.add(ParamSpec.ofDouble("divFactor", 25.0, "one-cycle starts at lr / divFactor").atLeast(1));
    out.add(
        ParamSpec.ofDouble("finalDivFactor", 1e4, "one-cycle ends at lr / (divFactor * this)")
            .atLeast(1));
    return out;
  }

  /** The schedule the parameters describe, for a run of {@code context}'s length. */
  static Tracker schedule(Params params, OptimizerContext context) {
    String kind = params.getString("schedule");
    int total = Math.max(1, context.totalSteps());
    int warmup = params.getInt("warmupSteps");
    double lr = params.getDouble("lr");
    double minLr = params.getDouble("minLr");
    if (kind.equals("one-cycle") && warmup > 0) {
      throw new SpecException(
          "optimizer.warmupSteps",
          warmup
              + " is not allowed with schedule"
              + " one-cycle, which rises over pctStart of the run itself; leave warmupSteps at 0");
    }
    if ((kind.equals("cosine") || kind.equals("linear")) && minLr > lr) {
      throw new SpecException(
          "optimizer.minLr",
          minLr
              + " is not allowed; the "
              + kind
              + " schedule decays from lr ("
              + lr
              + ") to minLr, so minLr must be <= lr");
    }
    if (warmup >= total && !kind.equals("constant")) {
      throw new SpecException(
          "optimizer.warmupSteps",
          warmup
              + " is not allowed; the run has only "
              + total
              + " updates, so the "
              + kind
              + " schedule would never start;"
              + " use fewer warm-up steps");
    }
    return new Schedule(
        kind,
        (float) lr,
        total,
        Math.max(1, context.stepsPerEpoch()),
        warmup,
        params.getFloat("gamma"),
        params.getInt("decayEpochs"),
        (float) minLr,
        params.getFloat("pctStart"),
        params.getFloat("divFactor"),
        params.getFloat("finalDivFactor"));
  }

  /** The optimizer, wrapped to clip gradients when {@code clipGrad} is set. */
  static OptimizerSetup withClipping(Optimizer optimizer, Params params, Tracker learningRate) {
    float clip = params.getFloat("clipGrad");
    Optimizer result = clip > 0 ? new ClippingOptimizer(optimizer, clip) : optimizer;
    return new OptimizerSetup(result, learningRate);
  }

  /** The common tail of every optimizer's parameter list. */
  static List<ParamSpec> with(List<ParamSpec> own, double defaultLr) {
    List<ParamSpec> out = new ArrayList<>(learningRate(defaultLr));
    out.addAll(own);
    out.add(weightDecay());
    out.add(clipGrad());
    return List.copyOf(out);
  }
}
