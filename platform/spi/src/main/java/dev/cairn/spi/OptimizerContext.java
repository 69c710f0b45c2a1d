package dev.cairn.spi;

/**
 * What an optimizer plugin knows when it builds its optimizer.
 *
 * @param stepsPerEpoch parameter updates per epoch
 * @param epochs planned epochs
 */
public record OptimizerContext(int stepsPerEpoch, int epochs) {
  public int totalSteps() {
    return stepsPerEpoch * epochs;
  }
}
