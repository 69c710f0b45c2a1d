package dev.cairn.plugins.optimizers;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;
import ai.djl.training.tracker.Tracker;
import dev.cairn.spi.OptimizerContext;
import dev.cairn.spi.OptimizerProvider;
import dev.cairn.spi.OptimizerSetup;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import java.util.List;
import org.pf4j.Extension;

/**
 * Minibatch stochastic gradient descent, with optional momentum, weight decay and gradient
 * clipping, at a fixed learning rate η. With gradient g (after clipping) and weight decay λ, DJL
 * updates {@code w ← w − η(g + λw)}; with momentum μ it keeps a velocity {@code v ← μv + η(g + λw)}
 * and updates {@code w ← w − v}.
 */
@Extension
public class SgdOptimizer implements OptimizerProvider {

  @Override
  public String id() {
    return "sgd";
  }

  @Override
  public String description() {
    return "stochastic gradient descent with optional momentum, weight decay, gradient clipping";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofDouble("lr", 0.01, "learning rate").greaterThan(0),
        OptimizerParams.fraction("momentum", 0.0, "momentum, >= 0 and < 1; 0 = plain SGD"),
        OptimizerParams.weightDecay(),
        OptimizerParams.clipGrad());
  }

  @Override
  public OptimizerSetup build(Params params, OptimizerContext context) {
    Tracker learningRate = Tracker.fixed(params.getFloat("lr"));
    Sgd.Builder sgd =
        Optimizer.sgd()
            .setLearningRateTracker(learningRate)
            .optMomentum(params.getFloat("momentum"))
            .optWeightDecays(params.getFloat("weightDecay"));
    return OptimizerParams.withClipping(sgd.build(), params, learningRate);
  }
}
