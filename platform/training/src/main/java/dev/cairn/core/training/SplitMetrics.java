package dev.cairn.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Loss and accuracy summed over the batches of one epoch on one split. Sums stay on the device and
 * are read once per epoch, so the training loop never waits for them. A full batch costs four
 * native calls: the loss added in place, and argmax, compare and an in-place add of the hits into a
 * per-position counter (summed once at the end); only a smaller last batch takes a few more.
 */
final class SplitMetrics implements AutoCloseable {
  private final NDManager manager;
  private final boolean classification;
  private NDArray lossSum; // sum of the full batches' mean losses
  private NDArray partialLossSum; // sum of mean loss x size over smaller batches
  private NDArray hits; // per position within a full batch: correct predictions so far
  private NDArray partialHits; // correct predictions of smaller batches
  private long fullSize = -1;
  private long examples;

  SplitMetrics(NDManager parent, boolean classification) {
    this.manager = parent.newSubManager();
    this.classification = classification;
    reset();
  }

  /**
   * Adds one batch: its mean loss (scalar) and, for classification, its correct predictions. The
   * intermediate arrays belong to the batch and are freed with it. Call without autograd.
   */
  void add(NDArray meanLoss, NDList labels, NDList predictions, long size) {
    if (fullSize < 0) {
      fullSize = size; // the first batch of an epoch is a full one
    }
    boolean full = size == fullSize;
    if (full) {
      lossSum = accumulate(lossSum, meanLoss, DataType.FLOAT32);
    } else {
      partialLossSum = accumulate(partialLossSum, meanLoss.mul(size), DataType.FLOAT32);
    }
    if (classification) {
      // argmax (int64) against the labels in their own type: libtorch promotes, no cast needed
      NDArray hit = predictions.singletonOrThrow().argMax(1).eq(labels.head());
      if (full) {
        hits = accumulate(hits, hit, DataType.INT64);
      } else {
        partialHits = accumulate(partialHits, hit.sum(), DataType.INT64);
      }
    }
    examples += size;
  }

  /** Adds {@code value} in place into {@code sum}, which starts as a copy of type {@code type}. */
  private NDArray accumulate(NDArray sum, NDArray value, DataType type) {
    if (sum == null) {
      NDArray first = value.toType(type, true);
      first.attach(manager);
      return first;
    }
    return sum.addi(value);
  }

  long examples() {
    return examples;
  }

  /** Mean loss over the epoch so far (NaN without batches). Reads from the device. */
  double meanLoss() {
    if (examples == 0) {
      return Double.NaN;
    }
    double full = lossSum == null ? 0 : lossSum.getFloat() * (double) fullSize;
    double partial = partialLossSum == null ? 0 : partialLossSum.getFloat();
    return (full + partial) / examples;
  }

  /** Accuracy over the epoch so far, NaN for regression or without batches. */
  double accuracy() {
    if (!classification || examples == 0) {
      return Double.NaN;
    }
    long correct = 0;
    if (hits != null) {
      try (NDArray total = hits.sum()) {
        correct += total.getLong();
      }
    }
    if (partialHits != null) {
      correct += partialHits.getLong();
    }
    return (double) correct / examples;
  }

  void reset() {
    for (NDArray a : new NDArray[] {lossSum, partialLossSum, hits, partialHits}) {
      if (a != null) {
        a.close();
      }
    }
    lossSum = null;
    partialLossSum = null;
    hits = null;
    partialHits = null;
    fullSize = -1;
    examples = 0;
  }

  @Override
  public void close() {
    manager.close();
  }
}
