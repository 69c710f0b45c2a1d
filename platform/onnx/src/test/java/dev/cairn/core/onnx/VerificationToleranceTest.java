package dev.cairn.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The export check is allclose-style: absolute 1e-4 plus 1e-5 of the value's size. */
class VerificationToleranceTest {
  @Test
  void largeOutputsPassWithinFloatRounding() {
    // the case from the abuse probe: a regression output of 390667 off by 0.09 is float32 rounding
    Verification v =
        ExportVerifier.compare(
            new float[] {390667f, 1f}, new float[] {390667.09f, 1f}, new float[] {390667f});
    assertThat(v.maxAbsDiff()).isGreaterThan(0.05);
    assertThat(v.passed()).isTrue();
  }

  @Test
  void smallOutputsStillNeedTheAbsoluteBound() {
    assertThat(
            ExportVerifier.compare(new float[] {1f}, new float[] {1.001f}, new float[0]).passed())
        .isFalse();
    assertThat(ExportVerifier.compare(new float[] {0f}, new float[] {5e-5f}, new float[0]).passed())
        .isTrue();
    assertThat(
            ExportVerifier.compare(new float[] {390667f}, new float[] {390677f}, new float[0])
                .passed())
        .isFalse();
  }

  @Test
  void nanAndTheBatchOfOneCount() {
    assertThat(
            ExportVerifier.compare(new float[] {1f}, new float[] {Float.NaN}, new float[0])
                .passed())
        .isFalse();
    assertThat(
            ExportVerifier.compare(new float[] {1f, 2f}, new float[] {1f, 2f}, new float[] {1.5f})
                .passed())
        .isFalse();
  }
}
