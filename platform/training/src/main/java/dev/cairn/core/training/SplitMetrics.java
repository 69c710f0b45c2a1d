package dev.cairn.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Loss and accuracy summed over the batches of one epoch on one split. Sums stay on the device as
 * NDArrays and are read once per epoch, so the training loop never waits for them.
 */
final class SplitMetrics implements AutoCloseable {
  private final NDManager manager;
  private final boolean classification;
  private NDArray lossSum;
  private NDArray correct;
  private long examples;

  SplitMetrics(NDManager parent, boolean classification) {
    this.manager = parent.newSubManager();
    this.classification = classification;
    reset();
  }

  /**
   * Adds one batch: its mean loss (scalar) and, for classification, its correct predictions. The
   * intermediate arrays belong to the batch and are freed with it.
   */
  void add(NDArray meanLoss, NDList labels, NDList predictions, long size) {
    lossSum.addi(meanLoss.stopGradient().toType(DataType.FLOAT32, false).mul(size));
    if (classification) {
      NDArray label = labels.head();
      NDArray predicted = predictions.singletonOrThrow().argMax(1).toType(label.getDataType(), false);
      correct.addi(predicted.eq(label).sum().toType(DataType.INT64, false));
    }
    examples += size;
  }

  long examples() {
    return examples;
  }

  /** Mean loss over the epoch so far (NaN without batches). Reads from the device. */
  double meanLoss() {
    return examples == 0 ? Double.NaN : lossSum.getFloat() / examples;
  }

  /** Accuracy over the epoch so far, NaN for regression or without batches. */
  double accuracy() {
    return !classification || examples == 0 ? Double.NaN : (double) correct.getLong() / examples;
  }

  void reset() {
    if (lossSum != null) {
      lossSum.close();
      correct.close();
    }
    lossSum = manager.zeros(new ai.djl.ndarray.types.Shape(), DataType.FLOAT32);
    correct = manager.zeros(new ai.djl.ndarray.types.Shape(), DataType.INT64);
    examples = 0;
  }

  @Override
  public void close() {
    manager.close();
  }
}
