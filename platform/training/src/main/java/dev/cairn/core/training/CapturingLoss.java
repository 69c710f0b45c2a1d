package dev.cairn.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Wraps a plugin's loss and remembers the value of its latest evaluation. DJL's training step
 * computes the batch loss for the backward pass; keeping that value lets the metrics listener
 * record the training loss without computing it a second time. The remembered array belongs to the
 * batch and is only read while the batch is open (in {@code onTrainingBatch}).
 */
final class CapturingLoss extends Loss {
  private final Loss delegate;
  private NDArray last;

  CapturingLoss(Loss delegate) {
    super(delegate.getName());
    this.delegate = delegate;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray value = delegate.evaluate(labels, predictions);
    last = value;
    return value;
  }

  /**
   * The latest batch loss (a scalar, mean over the batch), as the training step computed it (still
   * part of its autograd graph: read it with autograd off, detach it to keep it); null before one.
   */
  NDArray takeLast() {
    NDArray value = last;
    last = null;
    return value;
  }

  @Override
  public void addAccumulator(String key) {
    delegate.addAccumulator(key);
  }

  @Override
  public void updateAccumulator(String key, NDList labels, NDList predictions) {
    delegate.updateAccumulator(key, labels, predictions);
  }

  @Override
  public void updateAccumulators(String[] keys, NDList labels, NDList predictions) {
    delegate.updateAccumulators(keys, labels, predictions);
  }

  @Override
  public void resetAccumulator(String key) {
    delegate.resetAccumulator(key);
  }

  @Override
  public float getAccumulator(String key) {
    return delegate.getAccumulator(key);
  }
}
