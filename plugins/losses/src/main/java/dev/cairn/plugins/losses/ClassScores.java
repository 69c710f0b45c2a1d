package dev.cairn.plugins.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/** Helpers for losses on class scores: logits {@code [batch, classes]}, labels class indices. */
final class ClassScores {
  private ClassScores() {}

  /** The logits of the batch. */
  static NDArray logits(NDList predictions) {
    return predictions.singletonOrThrow();
  }

  /**
   * One-hot targets {@code [batch, classes]} from class-index labels of shape [batch] or [batch,
   * 1].
   */
  static NDArray oneHot(NDList labels, NDArray logits) {
    int classes = (int) logits.getShape().get(logits.getShape().dimension() - 1);
    NDArray indices = labels.head().toType(DataType.INT64, false).reshape(-1);
    return indices.oneHot(classes).toType(logits.getDataType(), false);
  }

  /** {@code (1 − ε)·oneHot + ε / classes}: label smoothing. */
  static NDArray smoothed(NDArray oneHot, float epsilon) {
    if (epsilon == 0) {
      return oneHot;
    }
    long classes = oneHot.getShape().get(1);
    return oneHot.mul(1 - epsilon).add(epsilon / classes);
  }
}
