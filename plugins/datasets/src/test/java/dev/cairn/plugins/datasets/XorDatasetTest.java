package dev.cairn.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Task;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XorDatasetTest {
  private final XorDataset dataset = new XorDataset();

  private DatasetSplits load(Map<String, ?> raw) {
    Params params = Params.validate("dataset", dataset.params(), raw);
    return dataset.load(params, new DatasetContext(Path.of("unused"), 1, true));
  }

  @Test
  void theFourPoints() {
    DatasetSplits splits = load(Map.of());
    assertThat(splits.info().task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(splits.info().classLabels()).containsExactly("0", "1");
    assertThat(splits.info().inputShape()).containsExactly(2);
    assertThat(splits.train().features().data()).containsExactly(0, 0, 0, 1, 1, 0, 1, 1);
    assertThat(splits.train().labels().data()).containsExactly(0, 1, 1, 0);
    assertThat(splits.train().labels().shape()).containsExactly(4);
    assertThat(splits.test()).isEqualTo(splits.train());
  }

  @Test
  void aRepeatThatWouldOverflowTheArrayIsASpecError() {
    assertThatThrownBy(() -> load(Map.of("repeat", 2_000_000_000)))
        .isExactlyInstanceOf(SpecException.class)
        .hasMessage(
            "dataset.repeat: 2000000000 is not allowed; expected an integer >= 1 and <= 1000000");
  }

  @Test
  void repeat() {
    DatasetSplits splits = load(Map.of("repeat", 3));
    assertThat(splits.train().features().shape()).containsExactly(12, 2);
    assertThat(splits.train().labels().data()).containsExactly(0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0);
  }

  @Test
  void repeatMustBePositive() {
    assertThatThrownBy(() -> load(Map.of("repeat", 0)))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("dataset.repeat: 0 is not allowed");
  }
}
