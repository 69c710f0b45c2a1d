package dev.cairn.core.tracking.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DownsamplerTest {
  /** Feeds the points in two parts, as chunks would come, with wall time = 10 x step. */
  private static Downsampler run(long[] steps, double[] values, int maxPoints) {
    int n = steps.length;
    long[] wallTimes = new long[n];
    for (int i = 0; i < n; i++) {
      wallTimes[i] = steps[i] * 10;
    }
    Downsampler downsampler = new Downsampler(steps[0], steps[n - 1], maxPoints);
    int half = n / 2;
    downsampler.add(steps, wallTimes, values, half);
    downsampler.add(
        Arrays.copyOfRange(steps, half, n),
        Arrays.copyOfRange(wallTimes, half, n),
        Arrays.copyOfRange(values, half, n),
        n - half);
    downsampler.finish();
    for (int i = 0; i < downsampler.steps().length; i++) {
      assertThat(downsampler.wallTimes()[i]).isEqualTo(downsampler.steps()[i] * 10);
    }
    return downsampler;
  }

  @Test
  void keepsMinAndMaxOfEachBucketInStepOrderAndTheLastPoint() {
    long[] steps = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    double[] values = {5, 1, 9, 5, 5, 0, 5, 7, 5, 4};
    // maxPoints 5 -> 2 buckets: steps 0..4 and 5..9
    Downsampler d = run(steps, values, 5);
    assertThat(d.steps()).containsExactly(1, 2, 5, 7, 9);
    assertThat(d.values()).containsExactly(1, 9, 0, 7, 4);
  }

  @Test
  void aMaxBeforeTheMinComesFirst() {
    long[] steps = {0, 1, 2, 3};
    double[] values = {5, 9, 1, 5};
    assertThat(run(steps, values, 3).steps()).containsExactly(1, 2, 3);
  }

  @Test
  void aNanIsShownAsItsBucketsMaximum() {
    long[] steps = {0, 1, 2, 3};
    double[] values = {1, Double.NaN, 3, 2};
    assertThat(run(steps, values, 3).steps()).containsExactly(0, 1, 3);
  }

  @Test
  void aFlatBucketKeepsOnePoint() {
    long[] steps = {0, 10, 20, 30};
    double[] values = {2, 2, 2, 2};
    assertThat(run(steps, values, 3).steps()).containsExactly(0, 30);
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
      assertThat(run(steps, values, maxPoints).steps().length).isLessThanOrEqualTo(maxPoints);
    }
  }
}
