package dev.cairn.plugins.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Task;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwoSpiralsDatasetTest {
  private final TwoSpiralsDataset dataset = new TwoSpiralsDataset();

  private DatasetSplits load(Map<String, ?> raw, long seed) {
    Params params = Params.validate("dataset", dataset.params(), raw);
    return dataset.load(params, new DatasetContext(Path.of("unused"), seed, true));
  }

  @Test
  void shapesAndBalancedClasses() {
    DatasetSplits splits = load(Map.of("n", 100), 1);
    assertThat(splits.info().task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(splits.info().inputShape()).containsExactly(2);
    assertThat(splits.info().numClasses()).isEqualTo(2);
    assertThat(splits.train().features().shape()).containsExactly(100, 2);
    assertThat(splits.train().labels().shape()).containsExactly(100);
    assertThat(splits.test().size()).isEqualTo(100);
    float ones = 0;
    for (float label : splits.train().labels().data()) {
      ones += label;
    }
    assertThat(ones).isEqualTo(50);
    assertThat(splits.test().features()).isNotEqualTo(splits.train().features());
  }

  @Test
  void withoutNoiseEveryPointLiesOnItsSpiral() {
    double turns = 2;
    DatasetSplits splits = load(Map.of("n", 200, "noise", 0, "turns", turns), 3);
    float[] xy = splits.train().features().data();
    float[] labels = splits.train().labels().data();
    for (int i = 0; i < 200; i++) {
      double radius = Math.hypot(xy[2 * i], xy[2 * i + 1]);
      double expected = 2 * Math.PI * turns * radius + Math.PI * labels[i];
      double angle = Math.atan2(xy[2 * i + 1], xy[2 * i]);
      double difference = Math.IEEEremainder(angle - expected, 2 * Math.PI);
      assertThat(radius).isBetween(0.05 - 1e-6, 1 + 1e-6);
      assertThat(difference).as("point %d", i).isCloseTo(0, within(1e-4));
    }
  }

  @Test
  void sameSeedSameData() {
    assertThat(load(Map.of(), 9).train()).isEqualTo(load(Map.of(), 9).train());
    assertThat(load(Map.of(), 9).train()).isNotEqualTo(load(Map.of(), 10).train());
  }

  @Test
  void parameterErrorsNameTheField() {
    assertThatThrownBy(() -> load(Map.of("n", 1), 1))
        .isInstanceOf(SpecException.class)
        .hasMessage("dataset.n: 1 is not allowed; expected an integer >= 2 and <= 10000000");
    assertThatThrownBy(() -> load(Map.of("turns", 0), 1))
        .hasMessageStartingWith("dataset.turns: 0 is not allowed");
  }
}
