package dev.cairn.plugins.optimizers;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.cairn.spi.OptimizerContext;
import dev.cairn.spi.OptimizerProvider;
import dev.cairn.spi.OptimizerSetup;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import java.util.List;
import org.pf4j.Extension;

/**
 * Minibatch stochastic gradient descent, with optional momentum (plain or Nesterov), weight decay,
 * gradient clipping and a learning-rate schedule. With gradient g (after clipping) and weight decay
 * λ, it updates {@code w ← w − η(g + λw)}; with momentum μ it keeps a velocity {@code v ← μv + η(g
 * + λw)} and updates {@code w ← w − v}, or with Nesterov momentum {@code w ← w − (μv + η(g + λw))}.
 */
@Extension
public class SgdOptimizer implements OptimizerProvider {

  @Override
  public String id() {
    return "sgd";
  }

  @Override
  public String description() {
    return "stochastic gradient descent with optional (Nesterov) momentum, weight decay, clipping";
  }

  @Override
  public List<ParamSpec> params() {
    return OptimizerParams.with(
        List.of(
            OptimizerParams.fraction("momentum", 0.0, "momentum, >= 0 and < 1; 0 = plain SGD"),
            ParamSpec.ofBoolean("nesterov", false, "Nesterov momentum (needs momentum > 0)")),
        0.01);
  }

  @Override
  public OptimizerSetup build(Params params, OptimizerContext context) {
    Tracker learningRate = OptimizerParams.schedule(params, context);
    float momentum = params.getFloat("momentum");
    float weightDecay = params.getFloat("weightDecay");
    Optimizer optimizer;
    if (params.getBoolean("nesterov")) {
      if (momentum == 0) {
        throw new SpecException(
            "optimizer.nesterov",
            "true needs momentum > 0; set" + " optimizer.momentum (e.g. 0.9) or nesterov: false");
      }
      optimizer = new Updates.Nesterov(learningRate, weightDecay, context.startStep(), momentum);
    } else {
      optimizer =
          Optimizer.sgd()
              .setLearningRateTracker(learningRate)
              .optMomentum(momentum)
              .optWeightDecays(weightDecay)
              .optBeginNumUpdate(context.startStep())
              .build();
    }
    return OptimizerParams.withClipping(optimizer, params, learningRate);
  }
}
