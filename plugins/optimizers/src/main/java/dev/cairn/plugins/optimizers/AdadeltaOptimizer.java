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
 * Adadelta: RMSProp whose step is rescaled by a moving RMS of the past steps, so that it needs
 * (almost) no learning rate; {@code lr} (default 1, as PyTorch) only scales the result.
 */
@Extension
public class AdadeltaOptimizer implements OptimizerProvider {

  @Override
  public String id() {
    return "adadelta";
  }

  @Override
  public String description() {
    return "Adadelta: RMSProp with steps rescaled by the RMS of past steps (rho = decay)";
  }

  @Override
  public List<ParamSpec> params() {
    return OptimizerParams.with(
        List.of(
            OptimizerParams.fraction("rho", 0.9, "decay of the moving averages, < 1"),
            ParamSpec.ofDouble("epsilon", 1e-6, "added inside both roots").greaterThan(0)),
        1.0);
  }

  @Override
  public OptimizerSetup build(Params params, OptimizerContext context) {
    Tracker learningRate = OptimizerParams.schedule(params, context);
    var adadelta =
        new Updates.Adadelta(
            learningRate,
            params.getFloat("weightDecay"),
            context.startStep(),
            params.getFloat("rho"),
            params.getFloat("epsilon"));
    return OptimizerParams.withClipping(adadelta, params, learningRate);
  }
}
