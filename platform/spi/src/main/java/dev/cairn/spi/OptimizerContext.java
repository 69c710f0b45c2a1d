package dev.cairn.spi;

/**
 * What an optimizer plugin knows when it builds its optimizer.
 *
 * @param stepsPerEpoch parameter updates per epoch
 * @param epochs planned epochs
 * @param startStep the number of the first update: 0 for a new run, later for a run resumed from a
 *     checkpoint, so that learning-rate schedules continue where they were (give it to DJL's {@code
 *     optBeginNumUpdate})
 */
public record OptimizerContext(int stepsPerEpoch, int epochs, int startStep) {
  public OptimizerContext {
    if (startStep < 0) {
      throw new IllegalArgumentException("startStep must be >= 0, got " + startStep);
    }
  }

  /** A context for a run that starts at its first update. */
  public OptimizerContext(int stepsPerEpoch, int epochs) {
    this(stepsPerEpoch, epochs, 0);
  }

  public int totalSteps() {
    return stepsPerEpoch * epochs;
  }
}
