package dev.cairn.core.training;

/** The loss became NaN or infinite; training stops instead of burning time on garbage. */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TrainingDivergedException(long step, double loss) {
    super(
        "training diverged at step "
            + step
            + ": the loss is "
            + loss
            + "; try a lower learning rate, gradient clipping or normalised inputs");
  }
}
