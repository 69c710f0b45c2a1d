package dev.cairn.plugins.optimizers;

import ai.djl.training.tracker.Tracker;
import dev.cairn.spi.OptimizerContext;
import dev.cairn.spi.OptimizerProvider;
import dev.cairn.spi.OptimizerSetup;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import java.util.List;
import org.pf4j.Extension;

/**
 * RMSProp: like Adagrad, but the squared gradients are a moving average, {@code σᵗ = √(α(σᵗ⁻¹)² +
 * (1−α)(gᵗ)²)}, so old gradients fade and the step size adapts to recent ones.
 */
@Extension
public class RmsPropOptimizer implements OptimizerProvider {

  @Override
  public String id() {
    return "rmsprop";
  }

  @Override
  public String description() {
    return "RMSProp: steps divided by a moving RMS of the gradient (alpha = its decay)";
  }

  @Override
  public List<ParamSpec> params() {
    return OptimizerParams.with(
        List.of(
            OptimizerParams.fraction("alpha", 0.99, "decay of the squared-gradient average, < 1"),
            ParamSpec.ofDouble("epsilon", 1e-8, "added to the RMS for numerical stability")
                .greaterThan(0)),
        0.01);
  }

  @Override
  public OptimizerSetup build(Params params, OptimizerContext context) {
    Tracker learningRate = OptimizerParams.schedule(params, context);
    var rmsprop =
        new Updates.RmsProp(
            learningRate,
            params.getFloat("weightDecay"),
            context.startStep(),
            params.getFloat("alpha"),
            params.getFloat("epsilon"));
    return OptimizerParams.withClipping(rmsprop, params, learningRate);
  }
}
