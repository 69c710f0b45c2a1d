package dev.cairn.plugins.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Softmax cross-entropy against label-smoothed targets: {@code −Σₖ qₖ log softmax(ŷ)ₖ} with {@code
 * q = (1 − ε)·oneHot(y) + ε/K}, the batch mean (PyTorch's {@code label_smoothing}).
 */
final class SmoothedCrossEntropyLoss extends Loss {
  private final float epsilon;

  SmoothedCrossEntropyLoss(float epsilon) {
    super("SoftmaxCrossEntropyLoss");
    this.epsilon = epsilon;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray logits = ClassScores.logits(predictions);
    NDArray target = ClassScores.smoothed(ClassScores.oneHot(labels, logits), epsilon);
    return logits.logSoftmax(1).mul(target).sum(new int[] {1}).neg().mean();
  }
}
