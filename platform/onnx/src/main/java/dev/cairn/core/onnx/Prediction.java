package dev.cairn.core.onnx;

import java.util.List;
import java.util.Map;

/**
 * What a model returned for a batch.
 *
 * @param outputs every output by name, in graph order
 * @param classes per example, the most likely class with its probability, when the model's metadata
 *     names class labels (Cairn exports of classifiers); empty otherwise
 * @param provider {@code cpu} or {@code cuda}
 * @param providerNote why that provider, e.g. "CPU execution provider (auto: ...)"
 * @param millis wall time of ONNX Runtime's {@code session.run} alone (not the tensors' copies in
 *     and out)
 */
public record Prediction(
    Map<String, TensorData> outputs,
    List<ClassScore> classes,
    String provider,
    String providerNote,
    double millis) {

  /** The top class of one example. */
  public record ClassScore(int index, String label, double probability) {}
}
