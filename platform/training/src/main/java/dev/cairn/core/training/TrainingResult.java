package dev.cairn.core.training;

import java.util.Map;

/**
 * The outcome of a finished training.
 *
 * @param device the device it ran on, e.g. {@code cpu()} or {@code gpu(0)}
 * @param metrics final values: {@code train/loss}, {@code test/accuracy}, ...
 * @param parameters learned parameters by name, only for small models (see {@link
 *     TrainingRunner#PARAMETER_DUMP_LIMIT})
 */
public record TrainingResult(
    String device,
    int epochs,
    long steps,
    long parameterCount,
    double seconds,
    Map<String, Double> metrics,
    Map<String, ParameterValues> parameters) {

  /** One learned parameter: its shape and values in row-major order. */
  public record ParameterValues(long[] shape, float[] values) {}
}
