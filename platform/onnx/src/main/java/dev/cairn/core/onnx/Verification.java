package dev.cairn.core.onnx;

/**
 * How an export compared with DJL's own forward pass. Like numpy's {@code allclose}, a value passes
 * when {@code |ORT - DJL| <= tolerance + relativeTolerance * |DJL|}: an absolute bound alone fails
 * large outputs (390667 vs 390667.09 is float32 rounding, not a wrong graph).
 *
 * @param probeExamples examples in the probe batch (the batch-1 run is checked too)
 * @param maxAbsDiff the largest |ONNX Runtime − DJL| over every output value
 * @param tolerance the absolute part of the allowed difference
 * @param relativeTolerance the part of the allowed difference proportional to |DJL|
 * @param maxExcess the largest {@code |ORT - DJL| - relativeTolerance * |DJL|}; passes when {@code
 *     <= tolerance}
 */
public record Verification(
    int probeExamples,
    double maxAbsDiff,
    double tolerance,
    double relativeTolerance,
    double maxExcess) {
  /** An absolute-only comparison. */
  public Verification(int probeExamples, double maxAbsDiff, double tolerance) {
    this(probeExamples, maxAbsDiff, tolerance, 0, maxAbsDiff);
  }

  public boolean passed() {
    return maxExcess <= tolerance;
  }
}
