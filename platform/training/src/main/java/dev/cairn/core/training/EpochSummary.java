package dev.cairn.core.training;

/**
 * What one epoch achieved. Accuracies are NaN for regression.
 *
 * @param evalSplit the split evaluated after the epoch: {@code validation}, {@code test} or null
 * @param trainSeconds time spent on training batches
 * @param seconds whole epoch including evaluation
 */
public record EpochSummary(
    int epoch,
    int epochs,
    long step,
    double trainLoss,
    double trainAccuracy,
    String evalSplit,
    double evalLoss,
    double evalAccuracy,
    double samplesPerSecond,
    double trainSeconds,
    double seconds) {}
