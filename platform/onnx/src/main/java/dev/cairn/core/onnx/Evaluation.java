package dev.cairn.core.onnx;

/**
 * How a model did on a dataset split.
 *
 * @param task classification or regression
 * @param accuracy fraction of examples whose arg-max output is the label (classification; NaN
 *     otherwise)
 * @param loss mean softmax cross-entropy (classification), or mean ½(ŷ − y)² (regression), as
 *     Cairn's softmax-cross-entropy and l2 losses compute them during training
 * @param mse mean squared error (regression; NaN otherwise)
 */
public record Evaluation(
    String dataset,
    String split,
    long examples,
    String task,
    double accuracy,
    double loss,
    String lossName,
    double mse,
    String provider,
    double seconds) {}
