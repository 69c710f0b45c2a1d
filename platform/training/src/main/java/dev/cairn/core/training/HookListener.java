package dev.cairn.core.training;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.cairn.spi.Tracker;
import dev.cairn.spi.TrainingHook;

/**
 * Calls a model's {@link TrainingHook} with the run's tracker. Added after the {@link
 * TrackingListener}, whose step and epoch it reuses, so a hook's points line up with {@code
 * train/loss}.
 *
 * <p>DJL tells listeners of a batch before the optimizer's update ({@code EasyTrain} calls {@code
 * trainer.step()} after {@code onTrainingBatch}), so the hook for step n runs when batch n + 1
 * arrives, or at the end of the epoch, which follows the epoch's last update.
 */
final class HookListener extends TrainingListenerAdapter {
  private final TrainingHook hook;
  private final Tracker tracker;
  private final TrackingListener tracking;
  private long pendingStep = -1;

  HookListener(TrainingHook hook, Tracker tracker, TrackingListener tracking) {
    this.hook = hook;
    this.tracker = tracker;
    this.tracking = tracking;
  }

  @Override
  public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    runPending();
    pendingStep = tracking.steps();
  }

  private void runPending() {
    if (pendingStep > 0) {
      long step = pendingStep;
      pendingStep = -1;
      hook.afterStep(tracker, step);
    }
  }

  @Override
  public void onEpoch(Trainer trainer) {
    runPending();
    EpochSummary last = tracking.lastEpoch();
    if (last != null) {
      hook.afterEpoch(tracker, last.epoch(), last.step());
    }
  }
}
