package dev.cairn.core.training;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.cairn.spi.MetricLogger;
import dev.cairn.spi.TrainingHook;

/**
 * Calls a model's {@link TrainingHook} with the run's logger. Added after the {@link
 * MetricsListener}, whose step and epoch it reuses, so a hook's points line up with {@code
 * train/loss}.
 *
 * <p>DJL tells listeners of a batch before the optimizer's update ({@code EasyTrain} calls {@code
 * trainer.step()} after {@code onTrainingBatch}), so the hook for step n runs when batch n + 1
 * arrives, or at the end of the epoch, which follows the epoch's last update.
 */
final class HookListener extends TrainingListenerAdapter {
  private final TrainingHook hook;
  private final MetricLogger logger;
  private final MetricsListener metricsListener;
  private long pendingStep = -1;

  HookListener(TrainingHook hook, MetricLogger logger, MetricsListener metricsListener) {
    this.hook = hook;
    this.logger = logger;
    this.metricsListener = metricsListener;
  }

  @Override
  public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    runPending();
    pendingStep = metricsListener.steps();
  }

  private void runPending() {
    if (pendingStep > 0) {
      long step = pendingStep;
      pendingStep = -1;
      hook.afterStep(logger, step);
    }
  }

  @Override
  public void onEpoch(Trainer trainer) {
    runPending();
    EpochSummary last = metricsListener.lastEpoch();
    if (last != null) {
      hook.afterEpoch(logger, last.epoch(), last.step());
    }
  }
}
