package dev.cairn.plugins.optimizers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An optimizer written with plain array operations, for the updates DJL's PyTorch engine does not
 * implement natively (Adagrad, RMSProp, Adadelta, Nesterov momentum; AdamW for PyTorch's exact
 * formula). Subclasses compute one parameter's update from its gradient; this class counts the
 * updates, asks the learning-rate tracker for the rate, adds weight decay {@code λw} to the
 * gradient (except where the subclass decouples it), keeps per-parameter state arrays, clears the
 * parameter's gradient afterwards (as DJL's native updates do), and frees every temporary array of
 * an update when it ends.
 */
abstract class ElementwiseOptimizer extends Optimizer {
  private final Tracker learningRate;
  private final float weightDecay;
  private final int begin;
  private final Map<String, NDArray> state = new ConcurrentHashMap<>();

  ElementwiseOptimizer(Tracker learningRate, float weightDecay, int beginNumUpdate) {
    super(new Options().optBeginNumUpdate(beginNumUpdate));
    this.learningRate = learningRate;
    this.weightDecay = weightDecay;
    this.begin = beginNumUpdate;
  }

  /**
   * How many gradients the state arrays hold after update {@code t} (DJL's count, from 1): state
   * starts afresh (at zero) when an optimizer is built, also when a resumed run starts counting at
   * a later update.
   */
  int seen(int t) {
    return t - begin;
  }

  /** Whether weight decay is added to the gradient (L2) rather than applied by the subclass. */
  boolean decayInGradient() {
    return true;
  }

  float weightDecay() {
    return weightDecay;
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    int t = updateCount(parameterId);
    float lr = learningRate.getNewValue(parameterId, t);
    try (NDScope scope = new NDScope()) {
      NDArray g = grad;
      if (decayInGradient() && weightDecay > 0) {
        g = g.add(weight.mul(weightDecay));
      }
      // a detached alias shares the weight's storage: PyTorch refuses in-place changes of a leaf
      // that requires gradients while gradient recording is on
      apply(parameterId, t, lr, weight.stopGradient(), g);
      // DJL's own (native) updates clear the parameter's gradient for the next batch; PyTorch would
      // otherwise add the next batch's gradient to this one
      if (weight.hasGradient()) {
        NDArray stale = weight.getGradient();
        stale.subi(stale);
      }
      scope.suppressNotUsedWarning();
    }
  }

  /**
   * Updates {@code weight} in place.
   *
   * @param t the update's number as DJL counts it, from 1 (plus the updates before a resume)
   * @param g the gradient, weight decay included when {@link #decayInGradient()}
   */
  abstract void apply(String parameterId, int t, float lr, NDArray weight, NDArray g);

  /** A state array of the parameter, zeros like {@code weight} at first, kept across updates. */
  NDArray state(String name, String parameterId, NDArray weight) {
    return state.computeIfAbsent(
        name + "/" + parameterId + "/" + weight.getDevice(),
        k -> {
          NDArray zeros = weight.zerosLike();
          NDScope.unregister(zeros);
          return zeros;
        });
  }

  private static final class Options extends OptimizerBuilder<Options> {
    @Override
    protected Options self() {
      return this;
    }
  }
}
