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
 * The course's synthetic regression data: {@code y = Xw + b + ε} with {@code X ~ N(0, 1)} and
 * {@code ε ~ N(0, noise²)}. Features have shape {@code [n, len(w)]}, targets {@code [n, 1]}. The
 * same seed gives the same data ({@link Random}'s Gaussian sequence is specified by the JDK). Only
 * a train split.
 */
@Extension
public class SyntheticLinearDataset implements DatasetProvider {

  @Override
  public String id() {
    return "synthetic-linear";
  }

  @Override
  public String description() {
    return "y = Xw + b + N(0, noise^2), X ~ N(0, 1): regression data with known weights";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofDoubleList(
            "w", List.of(2.0, -3.4), "true weights; their count is the input size"),
        ParamSpec.ofDouble("b", 4.2, "true bias"),
        ParamSpec.ofInt("n", 1000, "number of examples").atLeast(1).atMost(10_000_000),
        ParamSpec.ofDouble("noise", 0.01, "standard deviation of the Gaussian noise on y")
            .atLeast(0));
  }

  @Override
  public DatasetSplits load(Params params, DatasetContext context) {
    List<Double> w = params.getDoubleList("w");
    if (w.isEmpty()) {
      throw new SpecException("dataset.w", "empty; expected at least one weight");
    }
    double b = params.getDouble("b");
    int n = params.getInt("n");
    double noise = params.getDouble("noise");
    int d = w.size();
    Random random = new Random(context.seed());
    float[] x = new float[n * d];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      double sum = b;
      for (int j = 0; j < d; j++) {
        float xij = (float) random.nextGaussian();
        x[i * d + j] = xij;
        sum += xij * w.get(j);
      }
      y[i] = (float) (sum + noise * random.nextGaussian());
    }
    Split train = new Split(new Tensor(x, new long[] {n, d}), new Tensor(y, new long[] {n, 1}));
    DatasetInfo info = DatasetInfo.regression(new long[] {d}, new long[] {1});
    return new DatasetSplits(info, train, null, null);
  }
}
