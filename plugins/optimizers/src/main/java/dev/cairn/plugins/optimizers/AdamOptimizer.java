package dev.cairn.plugins.optimizers;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.cairn.spi.OptimizerContext;
import dev.cairn.spi.OptimizerProvider;
import dev.cairn.spi.OptimizerSetup;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import java.util.List;
import org.pf4j.Extension;

/**
 * Adam: momentum for the direction, a running RMS of the gradient for the step size. At step t DJL
 * computes {@code m ← β₁m + (1−β₁)g}, {@code v ← β₂v + (1−β₂)g²} and {@code w ← w −
 * η·√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε)}, where g includes weight decay λw (L2, not AdamW's decoupled
 * decay).
 */
@Extension
public class AdamOptimizer implements OptimizerProvider {

  @Override
  public String id() {
    return "adam";
  }

  @Override
  public String description() {
    return "Adam (adaptive moments) with optional weight decay and gradient clipping";
  }

  @Override
  public List<ParamSpec> params() {
    return OptimizerParams.with(moments(), 0.001);
  }

  /** beta1, beta2, epsilon: shared with AdamW. */
  static List<ParamSpec> moments() {
    return List.of(
        OptimizerParams.fraction("beta1", 0.9, "decay of the first-moment (mean) estimate, < 1"),
        OptimizerParams.fraction("beta2", 0.999, "decay of the second-moment estimate, < 1"),
        ParamSpec.ofDouble("epsilon", 1e-8, "added to the RMS for numerical stability")
            .greaterThan(0));
  }

  @Override
  public OptimizerSetup build(Params params, OptimizerContext context) {
    Tracker learningRate = OptimizerParams.schedule(params, context);
    Optimizer adam =
        Optimizer.adam()
            .optLearningRateTracker(learningRate)
            .optBeta1(params.getFloat("beta1"))
            .optBeta2(params.getFloat("beta2"))
            .optEpsilon(params.getFloat("epsilon"))
            .optWeightDecays(params.getFloat("weightDecay"))
            .optBeginNumUpdate(context.startStep())
            .build();
    return OptimizerParams.withClipping(adam, params, learningRate);
  }
}
