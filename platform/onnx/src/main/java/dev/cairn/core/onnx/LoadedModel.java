package dev.cairn.core.onnx;

import java.nio.file.Path;

/**
 * A model ready to be run: a registered one, or a file named on the command line.
 *
 * @param key the session cache key: the model id, or the file's absolute path
 * @param label how messages name it
 */
public record LoadedModel(String key, Path file, ModelSignature signature, String label) {
  public static LoadedModel of(RegisteredModel model) {
    return new LoadedModel(
        model.id(),
        model.file(),
        model.signature(),
        "model '" + model.id() + "' (" + model.name() + ")");
  }
}
