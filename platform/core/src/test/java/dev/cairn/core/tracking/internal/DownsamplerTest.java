package dev.cairn.core.tracking.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DownsamplerTest {
  @Test
  void keepsMinAndMaxOfEachBucketInStepOrderAndTheLastPoint() {
    long[] steps = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    double[] values = {5, 1, 9, 5, 5, 0, 5, 7, 5, 4};
    // maxPoints 5 -> 2 buckets: steps 0..4 and 5..9
    int[] keep = Downsampler.select(steps, values, 10, 5);
    assertThat(keep).containsExactly(1, 2, 5, 7, 9);
  }

  @Test
  void aNanIsShownAsItsBucketsMaximum() {
    long[] steps = {0, 1, 2, 3};
    double[] values = {1, Double.NaN, 3, 2};
    assertThat(Downsampler.select(steps, values, 4, 3)).containsExactly(0, 1, 3);
  }

  @Test
  void aFlatBucketKeepsOnePoint() {
    long[] steps = {0, 10, 20, 30};
    double[] values = {2, 2, 2, 2};
    assertThat(Downsampler.select(steps, values, 4, 3)).containsExactly(0, 3);
  }

  @Test
  void neverReturnsMoreThanMaxPoints() {
    int n = 100_000;
    long[] steps = new long[n];
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      steps[i] = i * 2L;
      values[i] = (i * 7919L) % 1000;
    }
    for (int maxPoints : new int[] {3, 10, 99, 100, 2000}) {
      assertThat(Downsampler.select(steps, values, n, maxPoints).length)
          .isLessThanOrEqualTo(maxPoints);
    }
  }
}
