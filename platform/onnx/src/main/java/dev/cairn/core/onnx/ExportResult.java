package dev.cairn.core.onnx;

/**
 * A kept export: the run artifact, the model it registered for inference, and how it verified.
 *
 * @param reused true when an identical export of the run was already registered (exports are
 *     byte-reproducible, so re-exporting gives the same model back)
 */
public record ExportResult(
    RunArtifact artifact, RegisteredModel model, Verification verification, boolean reused) {}
