package dev.cairn.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import java.util.HashMap;
import java.util.Map;

/**
 * Gradient accumulation: sums each parameter's gradients over {@code steps} batches and lets the
 * wrapped optimizer apply their mean once, which acts like a batch {@code steps} times larger
 * (without its memory). The wrapped optimizer counts one update per {@code steps} batches, so its
 * learning-rate schedule runs in updates. Gradients of an epoch's last, incomplete group carry over
 * into the next epoch.
 */
final class AccumulatingOptimizer extends Optimizer {
  private final Optimizer delegate;
  private final int steps;
  private final Map<String, NDArray> sums = new HashMap<>();
  private final Map<String, Integer> counts = new HashMap<>();

  AccumulatingOptimizer(Optimizer delegate, int steps) {
    super(new NoOptions());
    this.delegate = delegate;
    this.steps = steps;
  }

  @Override
  public synchronized void update(String parameterId, NDArray weight, NDArray grad) {
    NDArray sum = sums.get(parameterId);
    if (sum == null) {
      sum = grad.duplicate();
      sums.put(parameterId, sum);
    } else {
      sum.addi(grad);
    }
    int count = counts.merge(parameterId, 1, Integer::sum);
    if (count < steps) {
      // no update this batch: clear the gradient as an update would (DJL's native updates do),
      // or PyTorch adds the next batch's gradient to it
      if (weight.hasGradient()) {
        try (NDArray stale = weight.getGradient()) {
          stale.subi(stale);
        }
      }
    } else {
      try (NDArray mean = sum.div(steps)) {
        delegate.update(parameterId, weight, mean);
      }
      sum.muli(0);
      counts.put(parameterId, 0);
    }
  }

  private static final class NoOptions extends OptimizerBuilder<NoOptions> {
    @Override
    protected NoOptions self() {
      return this;
    }
  }
}
