package dev.cairn.core.artifacts;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One file of a run.
 *
 * @param path its path inside the run ({@link ArtifactPath})
 * @param kind {@code file} for uploads, {@code onnx} for Cairn's export
 * @param source where it came from: {@code export}, {@code rest}, {@code java-client} or {@code
 *     mlflow}
 * @param file where it lies under the data directory
 */
public record StoredArtifact(
    String runId,
    String path,
    String kind,
    String source,
    long sizeBytes,
    String sha256,
    Instant createdAt,
    Path file) {}
