package dev.cairn.plugins.optimizers;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.cairn.spi.OptimizerSetup;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;

/** Parameters the optimizers share, and the checks {@link ParamSpec} cannot express. */
final class OptimizerParams {
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

  /** The optimizer, wrapped to clip gradients when {@code clipGrad} is set. */
  static OptimizerSetup withClipping(Optimizer optimizer, Params params, Tracker learningRate) {
    float clip = params.getFloat("clipGrad");
    Optimizer result = clip > 0 ? new ClippingOptimizer(optimizer, clip) : optimizer;
    return new OptimizerSetup(result, learningRate);
  }
}
