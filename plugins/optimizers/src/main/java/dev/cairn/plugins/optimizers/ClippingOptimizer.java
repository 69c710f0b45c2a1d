package dev.cairn.plugins.optimizers;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;

/**
 * Clips every gradient value to {@code [-clip, clip]}, then lets another optimizer apply it.
 *
 * <p>Why not DJL's own {@code optClipGrad}: DJL documents it as clipping to {@code [-c, c]}, but
 * the PyTorch engine (0.35.1) only clamps from above ({@code clamp_max}), so large negative
 * gradients pass untouched. {@code OptimizersTest} pins that behaviour.
 */
final class ClippingOptimizer extends Optimizer {
  private final Optimizer delegate;
  private final float clip;

  ClippingOptimizer(Optimizer delegate, float clip) {
    super(new NoOptions());
    this.delegate = delegate;
    this.clip = clip;
  }

  /** The optimizer that applies the clipped gradients. */
  Optimizer delegate() {
    return delegate;
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    try (NDArray clipped = grad.clip(-clip, clip)) {
      delegate.update(parameterId, weight, clipped);
    }
  }

  /**
   * The wrapper itself takes no options: rescaling, decay and the update count are the delegate's.
   */
  private static final class NoOptions extends OptimizerBuilder<NoOptions> {
    @Override
    protected NoOptions self() {
      return this;
    }
  }
}
