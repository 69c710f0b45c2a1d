package dev.cairn.core.onnx;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a model file declares: its inputs and outputs, format versions, producer and metadata.
 *
 * @param inputs graph inputs that are not initializers, in graph order
 * @param outputs graph outputs, in graph order
 * @param irVersion the file's IR version
 * @param opsets opset version per domain ("" is the default ONNX domain)
 * @param producer producer name and version, e.g. {@code pytorch 1.13.1}
 * @param metadata {@code metadata_props} (Cairn writes its provenance there)
 */
public record ModelSignature(
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    long irVersion,
    Map<String, Long> opsets,
    String producer,
    Map<String, String> metadata) {
  public ModelSignature {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    opsets = Map.copyOf(opsets);
    metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(metadata));
  }

  public Optional<TensorSpec> input(String name) {
    return inputs.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** Class labels Cairn wrote into the metadata, in class-index order; empty when none. */
  public List<String> classLabels() {
    String raw = metadata.get(OnnxMetadata.CLASS_LABELS);
    return raw == null ? List.of() : OnnxMetadata.parseStringList(raw);
  }
}
