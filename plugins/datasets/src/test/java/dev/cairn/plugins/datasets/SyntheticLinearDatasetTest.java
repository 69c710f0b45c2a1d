package dev.cairn.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Task;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyntheticLinearDatasetTest {
  private final SyntheticLinearDataset dataset = new SyntheticLinearDataset();

  private DatasetSplits load(Map<String, ?> raw, long seed) {
    Params params = Params.validate("dataset", dataset.params(), raw);
    return dataset.load(params, new DatasetContext(Path.of("unused"), seed, true));
  }

  @Test
  void defaultsFollowTheCourse() {
    DatasetSplits splits = load(Map.of(), 42);
    assertThat(splits.info().task()).isEqualTo(Task.REGRESSION);
    assertThat(splits.info().inputShape()).containsExactly(2);
    assertThat(splits.info().outputShape()).containsExactly(1);
    assertThat(splits.train().features().shape()).containsExactly(1000, 2);
    assertThat(splits.train().labels().shape()).containsExactly(1000, 1);
    assertThat(splits.validation()).isNull();
    assertThat(splits.test()).isNull();
  }

  @Test
  void targetsAreTheLinearFunctionPlusNoiseOfTheRequestedSize() {
    DatasetSplits splits =
        load(Map.of("w", List.of(1.5, -2, 0.5), "b", -1, "n", 5000, "noise", 0.1), 3);
    float[] x = splits.train().features().data();
    float[] y = splits.train().labels().data();
    double sum = 0;
    double sumSq = 0;
    double xSumSq = 0;
    for (int i = 0; i < 5000; i++) {
      double residual = y[i] - (1.5 * x[3 * i] - 2 * x[3 * i + 1] + 0.5 * x[3 * i + 2] - 1);
      sum += residual;
      sumSq += residual * residual;
      xSumSq += x[3 * i] * x[3 * i];
    }
    assertThat(sum / 5000).isCloseTo(0, within(0.01));
    assertThat(Math.sqrt(sumSq / 5000)).isCloseTo(0.1, within(0.005));
    assertThat(xSumSq / 5000).as("X ~ N(0, 1)").isCloseTo(1, within(0.1));
  }

  @Test
  void sameSeedSameData() {
    assertThat(load(Map.of(), 5).train()).isEqualTo(load(Map.of(), 5).train());
    assertThat(load(Map.of(), 5).train()).isNotEqualTo(load(Map.of(), 6).train());
  }

  @Test
  void parameterErrorsNameTheField() {
    assertThatThrownBy(() -> load(Map.of("n", 0), 1))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("dataset.n: 0 is not allowed");
    assertThatThrownBy(() -> load(Map.of("noise", -0.5), 1))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("dataset.noise: -0.5 is not allowed");
    assertThatThrownBy(() -> load(Map.of("w", List.of()), 1))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("dataset.w: empty");
  }
}
