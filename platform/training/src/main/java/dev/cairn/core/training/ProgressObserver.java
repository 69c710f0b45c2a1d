package dev.cairn.core.training;

/** Progress callbacks for consoles and UIs; called on the training thread, so keep them cheap. */
public interface ProgressObserver {
  ProgressObserver NONE = new ProgressObserver() {};

  /** Training is about to start. */
  default void onStart(
      String runId, String device, int epochs, int batchesPerEpoch, long parameterCount) {}

  /**
   * After each training batch.
   *
   * @param lastLoss the most recently logged training loss (NaN before the first)
   */
  default void onBatch(int epoch, int batch, int batchesPerEpoch, double lastLoss) {}

  default void onEpoch(EpochSummary summary) {}
}
