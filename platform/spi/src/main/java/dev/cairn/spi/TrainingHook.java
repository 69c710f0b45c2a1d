package dev.cairn.spi;

/**
 * Optional for a model: when the block a {@link ModelProvider} builds implements this, Cairn calls
 * it during training with the run's {@link MetricLogger}, so the model can log what only it knows
 * (a point's trajectory, attention maps, generated samples).
 *
 * <p>Called on the training thread after the optimizer's update; keep it cheap (copying a few
 * values to the host is fine, a forward pass per step is not). An exception thrown here fails the
 * run with the exception's message.
 */
public interface TrainingHook {

  /**
   * After each training batch's update: the parameters hold their new values. (Called when the next
   * batch arrives, or at the end of the epoch for its last batch.)
   *
   * @param step the run's global step (1 for the first update), the same step as {@code train/loss}
   */
  default void afterStep(MetricLogger logger, long step) {}

  /**
   * After each epoch (training and evaluation done).
   *
   * @param epoch 1-based
   * @param step the global step at the end of the epoch
   */
  default void afterEpoch(MetricLogger logger, int epoch, long step) {}
}
