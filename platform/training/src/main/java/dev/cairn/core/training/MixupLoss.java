package dev.cairn.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * The loss of a mixup batch, {@code λ·L(ŷ, y) + (1 − λ)·L(ŷ, y')}, for labels {@code [y, y', λ]} as
 * {@link BatchSource} makes them; any other labels (evaluation batches) get the plain loss. Works
 * with any loss that averages over the batch.
 */
final class MixupLoss extends Loss {
  private final Loss delegate;

  MixupLoss(Loss delegate) {
    super(delegate.getName());
    this.delegate = delegate;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    if (labels.size() != 3) {
      return delegate.evaluate(labels, predictions);
    }
    NDArray lambda = labels.get(2);
    NDArray first = delegate.evaluate(new NDList(labels.get(0)), predictions);
    NDArray second = delegate.evaluate(new NDList(labels.get(1)), predictions);
    return first.mul(lambda).add(second.mul(lambda.neg().add(1)));
  }
}
