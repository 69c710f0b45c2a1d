package dev.cairn.core.onnx;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * A file a run produced, e.g. its ONNX export {@code model.onnx}.
 *
 * @param details what the artifact is: for an export the opset, IR version, verification numbers
 *     and the id of the model it registered
 */
public record RunArtifact(
    String runId,
    String name,
    String kind,
    Path file,
    String sha256,
    long sizeBytes,
    Instant createdAt,
    Map<String, Object> details) {}
