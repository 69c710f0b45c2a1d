package dev.cairn.core.onnx;

/**
 * How an export compared with DJL's own forward pass.
 *
 * @param probeExamples examples in the probe batch (the batch-1 run is checked too)
 * @param maxAbsDiff the largest |ONNX Runtime − DJL| over every output value
 * @param tolerance the largest difference allowed
 */
public record Verification(int probeExamples, double maxAbsDiff, double tolerance) {
  public boolean passed() {
    return maxAbsDiff <= tolerance;
  }
}
