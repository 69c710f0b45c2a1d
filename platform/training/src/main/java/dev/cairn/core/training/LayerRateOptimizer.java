package dev.cairn.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import java.util.Map;

/**
 * Discriminative learning rates: the wrapped optimizer's step on some parameters is scaled by a
 * factor, {@code w ← w + f·(w' − w)} where {@code w'} is where the optimizer would have moved them.
 * Scaling the step, not the gradient, makes the factor a learning-rate factor for every optimizer
 * (Adam's step does not change when its gradients are scaled).
 */
final class LayerRateOptimizer extends Optimizer {
  private final Optimizer delegate;
  private final Map<String, Float> factors;

  /**
   * @param factors learning-rate factor by parameter id; parameters not listed use 1
   */
  LayerRateOptimizer(Optimizer delegate, Map<String, Float> factors) {
    super(new NoOptions());
    this.delegate = delegate;
    this.factors = Map.copyOf(factors);
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    Float factor = factors.get(parameterId);
    if (factor == null || factor == 1f) {
      delegate.update(parameterId, weight, grad);
      return;
    }
    try (NDArray before = weight.duplicate()) {
      delegate.update(parameterId, weight, grad);
      // through a detached alias of the weight's storage: PyTorch refuses in-place changes of a
      // leaf that requires gradients while gradient recording is on
      try (NDArray step = weight.sub(before);
          NDArray scaled = step.mul(1 - factor);
          NDArray alias = weight.stopGradient()) {
        alias.subi(scaled);
      }
    }
  }

  private static final class NoOptions extends OptimizerBuilder<NoOptions> {
    @Override
    protected NoOptions self() {
      return this;
    }
  }
}
