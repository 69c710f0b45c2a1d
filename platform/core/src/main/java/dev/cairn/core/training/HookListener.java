package dev.cairn.core.training;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.cairn.spi.Tracker;
import dev.cairn.spi.TrainingHook;

/**
 * Calls a model's {@link TrainingHook} with the run's tracker. Added after the
 * {@link TrackingListener}, whose step and epoch it reuses, so a hook's points line up with
 * {@code train/loss}.
 */
final class HookListener extends TrainingListenerAdapter {
  private final TrainingHook hook;
  private final Tracker tracker;
  private final TrackingListener tracking;

  HookListener(TrainingHook hook, Tracker tracker, TrackingListener tracking) {
    this.hook = hook;
    this.tracker = tracker;
    this.tracking = tracking;
  }

  @Override
  public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    hook.afterStep(tracker, tracking.steps());
  }

  @Override
  public void onEpoch(Trainer trainer) {
    EpochSummary last = tracking.lastEpoch();
    if (last != null) {
      hook.afterEpoch(tracker, last.epoch(), last.step());
    }
  }
}
