package dev.cairn.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The synthetic data of the course: shapes, values, determinism. */
class CourseSyntheticDatasetsTest {
  private static DatasetSplits load(DatasetProvider provider, Map<String, ?> raw, long seed) {
    try {
      return provider.load(
          Params.validate("dataset", provider.params(), raw),
          new DatasetContext(Path.of("unused"), seed, true));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void piecewiseCurveFollowsItsCorners() {
    DatasetSplits splits =
        load(
            new PiecewiseCurveDataset(),
            Map.of("n", 5, "xs", List.of(0, 1, 2), "ys", List.of(0, 1, 0)),
            1);
    assertThat(splits.train().features().shape()).containsExactly(5, 1);
    // the test split is the noiseless grid 0, 0.5, 1, 1.5, 2
    assertThat(splits.test().features().data()).containsExactly(0, 0.5f, 1, 1.5f, 2);
    assertThat(splits.test().labels().data()).containsExactly(0, 0.5f, 1, 0.5f, 0);
    float[] x = splits.train().features().data();
    float[] y = splits.train().labels().data();
    for (int i = 0; i < x.length; i++) {
      assertThat(y[i]).isCloseTo(x[i] <= 1 ? x[i] : 2 - x[i], within(1e-6f));
    }
    assertThatThrownBy(
            () ->
                load(
                    new PiecewiseCurveDataset(),
                    Map.of("xs", List.of(0, 2, 1), "ys", List.of(0, 1, 0)),
                    1))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("dataset.xs: must increase");
    assertThatThrownBy(() -> load(new PiecewiseCurveDataset(), Map.of("ys", List.of(0, 1)), 1))
        .hasMessageStartingWith("dataset.ys: has 2 values for 6 xs");
  }

  @Test
  void sequenceWindowsPredictTheNextValue() {
    DatasetSplits splits =
        load(new SequenceDataset(), Map.of("length", 20, "steps", 4, "noise", 0), 1);
    assertThat(splits.train().features().shape()).containsExactly(9, 4, 1);
    assertThat(splits.test().features().shape()).containsExactly(7, 4, 1);
    // noiseless: window i holds sin(0.01 (i+1)) .. sin(0.01 (i+4)), target sin(0.01 (i+5))
    assertThat(splits.train().features().data()[0])
        .isCloseTo((float) Math.sin(0.01), within(1e-7f));
    assertThat(splits.train().labels().data()[2]).isCloseTo((float) Math.sin(0.07), within(1e-7f));
    assertThat(splits.test().labels().data()[0]).isCloseTo((float) Math.sin(0.14), within(1e-7f));
    assertThat(load(new SequenceDataset(), Map.of(), 5).train().features().data())
        .containsExactly(load(new SequenceDataset(), Map.of(), 5).train().features().data());
    assertThatThrownBy(() -> load(new SequenceDataset(), Map.of("length", 10, "steps", 9), 1))
        .hasMessageStartingWith("dataset.steps: 9 is not allowed");
  }

  @Test
  void ratingsArePairsWithRatingsBetweenOneAndFive() {
    DatasetSplits splits =
        load(new RatingsDataset(), Map.of("users", 10, "items", 8, "density", 0.5), 2);
    int n = splits.train().size() + splits.test().size();
    assertThat(n).isEqualTo(40);
    assertThat(splits.train().size()).isEqualTo(32);
    float[] pairs = splits.train().features().data();
    for (int i = 0; i < pairs.length; i += 2) {
      assertThat(pairs[i]).isBetween(0f, 9f);
      assertThat(pairs[i + 1]).isBetween(0f, 7f);
    }
    for (float r : splits.train().labels().data()) {
      assertThat(r).isBetween(1f, 5f);
    }
    assertThat(splits.info().inputShape()).containsExactly(2);
    assertThat(load(new RatingsDataset(), Map.of(), 2).train().labels())
        .isEqualTo(load(new RatingsDataset(), Map.of(), 2).train().labels());
  }
}
