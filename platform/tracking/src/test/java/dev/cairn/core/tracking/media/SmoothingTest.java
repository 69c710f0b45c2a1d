package dev.cairn.core.tracking.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.core.tracking.Series;
import org.junit.jupiter.api.Test;

class SmoothingTest {
  @Test
  void debiasedEmaMatchesTensorBoardAndTheDashboard() {
    // the same vector as tracker-ui/test/smoothing.test.ts
    double[] out = Smoothing.debiasedEma(new double[] {10, 0, 10, 0, 10}, 0.5);
    assertThat(out)
        .containsExactly(
            new double[] {10, 3.3333333333, 7.1428571429, 3.3333333333, 6.7741935484},
            within(1e-9));
  }

  @Test
  void constantSeriesWeightZeroAndNonFiniteValuesPassThrough() {
    assertThat(Smoothing.debiasedEma(new double[] {5, 5, 5}, 0.9)).containsExactly(5, 5, 5);
    assertThat(Smoothing.debiasedEma(new double[] {3, 1}, 0)).containsExactly(3, 1);
    double[] out = Smoothing.debiasedEma(new double[] {1, Double.NaN, 1}, 0.6);
    assertThat(out[1]).isNaN();
    assertThat(out[2]).isCloseTo(1, within(1e-12));
    assertThatThrownBy(() -> Smoothing.debiasedEma(new double[] {1}, 1))
        .hasMessageContaining("[0, 1)");
  }

  @Test
  void chartSmoothingDoesNotDependOnDownsamplingOrTheWindow() {
    int n = 10_000;
    long[] steps = new long[n];
    long[] wall = new long[n];
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      steps[i] = i + 1;
      wall[i] = 1000L * i;
      values[i] = Math.sin(i / 50.0) + (i % 7 == 0 ? 3 : 0);
    }
    Series full = new Series("r", "t", steps, wall, values, n, false);
    ChartSeries all = ChartSeries.of(full, 0, 0.9, Long.MIN_VALUE, Long.MAX_VALUE);
    ChartSeries sampled = ChartSeries.of(full, 500, 0.9, Long.MIN_VALUE, Long.MAX_VALUE);
    ChartSeries zoomed = ChartSeries.of(full, 100, 0.9, 2000, 3000);
    assertThat(sampled.downsampled()).isTrue();
    assertThat(sampled.size()).isLessThanOrEqualTo(500);
    assertThat(sampled.steps()[sampled.size() - 1]).isEqualTo(n);
    for (ChartSeries part : new ChartSeries[] {sampled, zoomed}) {
      for (int i = 0; i < part.size(); i++) {
        int at = (int) part.steps()[i] - 1;
        assertThat(part.smoothed()[i]).isEqualTo(all.smoothed()[at]);
        assertThat(part.values()[i]).isEqualTo(values[at]);
      }
    }
    assertThat(zoomed.windowPoints()).isEqualTo(1001);
    assertThat(zoomed.steps()[0]).isGreaterThanOrEqualTo(2000);
    assertThat(zoomed.steps()[zoomed.size() - 1]).isEqualTo(3000);
  }
}
