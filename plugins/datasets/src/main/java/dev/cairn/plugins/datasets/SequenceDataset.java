package dev.cairn.plugins.datasets;

import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Split;
import dev.cairn.spi.Tensor;
import java.util.List;
import java.util.Random;
import org.pf4j.Extension;

/**
 * d2l's noisy sine for sequence models: {@code x_t = sin(frequency·t) + N(0, noise²)} for t = 1 …
 * length; each example is a window of {@code steps} consecutive values (shape {@code [steps, 1]})
 * and its target the value that follows. The first {@code trainFraction} of the windows are the
 * train split, the rest the test split (later in time, so the test measures forecasting).
 */
@Extension
public class SequenceDataset implements DatasetProvider {

  @Override
  public String id() {
    return "sequence";
  }

  @Override
  public String description() {
    return "noisy sine x_t = sin(f t) + noise: windows of `steps` values -> the next value";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofInt("length", 1000, "values in the series").atLeast(3).atMost(10_000_000),
        ParamSpec.ofInt("steps", 16, "values per example window").greaterThan(0).atMost(100_000),
        ParamSpec.ofDouble("frequency", 0.01, "f in sin(f t)").greaterThan(0),
        ParamSpec.ofDouble("noise", 0.2, "standard deviation of the Gaussian noise").atLeast(0),
        ParamSpec.ofDouble("trainFraction", 0.6, "share of the windows used for training")
            .greaterThan(0)
            .lessThan(1));
  }

  @Override
  public DatasetSplits load(Params params, DatasetContext context) {
    int length = params.getInt("length");
    int steps = params.getInt("steps");
    if (steps >= length - 1) {
      throw new SpecException(
          "dataset.steps",
          steps
              + " is not allowed; windows of "
              + steps
              + " values need a series longer than "
              + (steps + 1)
              + " (length is "
              + length
              + ")");
    }
    double f = params.getDouble("frequency");
    double noise = params.getDouble("noise");
    Random random = new Random(context.seed());
    float[] series = new float[length];
    for (int t = 0; t < length; t++) {
      series[t] = (float) (Math.sin(f * (t + 1)) + noise * random.nextGaussian());
    }
    int windows = length - steps;
    int trainCount =
        Math.max(1, Math.min(windows - 1, (int) (windows * params.getDouble("trainFraction"))));
    DatasetInfo info = DatasetInfo.regression(new long[] {steps, 1}, new long[] {1});
    return new DatasetSplits(
        info,
        windows(series, steps, 0, trainCount),
        null,
        windows(series, steps, trainCount, windows));
  }

  private static Split windows(float[] series, int steps, int from, int to) {
    int n = to - from;
    float[] x = new float[n * steps];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(series, from + i, x, i * steps, steps);
      y[i] = series[from + i + steps];
    }
    return new Split(new Tensor(x, new long[] {n, steps, 1}), new Tensor(y, new long[] {n, 1}));
  }
}
