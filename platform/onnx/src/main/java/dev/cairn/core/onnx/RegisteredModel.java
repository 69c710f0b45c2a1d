package dev.cairn.core.onnx;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A model registered for inference.
 *
 * @param id short id users type ({@code cairn predict <id>})
 * @param name a display name (the file name without .onnx, or the run's name)
 * @param source IMPORT (any ONNX file) or EXPORT (made from a run)
 * @param runId the run an export came from; null for imports
 * @param file the stored copy of the model file
 * @param sha256 of the file's bytes
 */
public record RegisteredModel(
    String id,
    String name,
    Source source,
    String runId,
    Path file,
    String sha256,
    long sizeBytes,
    Instant createdAt,
    ModelSignature signature) {

  public enum Source {
    IMPORT,
    EXPORT
  }
}
