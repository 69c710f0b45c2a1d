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
 * A 1-D piecewise-linear curve through the points {@code (xs[i], ys[i])}, the target the notes fit
 * with a sum of sigmoids ("any piecewise-linear curve is a constant plus a sum of hard sigmoids").
 * The train split draws {@code n} inputs uniformly from the curve's range (plus Gaussian noise on
 * the targets); the test split is an even grid of {@code n} points without noise. Features {@code
 * [n, 1]}, targets {@code [n, 1]}.
 */
@Extension
public class PiecewiseCurveDataset implements DatasetProvider {

  @Override
  public String id() {
    return "piecewise-curve";
  }

  @Override
  public String description() {
    return "y = a piecewise-linear curve of x (1-D regression), the sum-of-sigmoids target";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofDoubleList(
            "xs", List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), "x of the corners, increasing"),
        ParamSpec.ofDoubleList("ys", List.of(0.2, 1.0, 0.3, 0.9, 0.1, 0.6), "y of the corners"),
        ParamSpec.ofInt("n", 500, "examples per split").atLeast(2).atMost(10_000_000),
        ParamSpec.ofDouble("noise", 0.0, "standard deviation of Gaussian noise on train targets")
            .atLeast(0));
  }

  @Override
  public DatasetSplits load(Params params, DatasetContext context) {
    double[] xs = params.getDoubleList("xs").stream().mapToDouble(Double::doubleValue).toArray();
    double[] ys = params.getDoubleList("ys").stream().mapToDouble(Double::doubleValue).toArray();
    if (xs.length < 2 || xs.length != ys.length) {
      throw new SpecException(
          "dataset.ys",
          "has "
              + ys.length
              + " values for "
              + xs.length
              + " xs; give one y per x and at least 2 points");
    }
    for (int i = 1; i < xs.length; i++) {
      if (xs[i] <= xs[i - 1]) {
        throw new SpecException("dataset.xs", "must increase; " + xs[i] + " follows " + xs[i - 1]);
      }
    }
    int n = params.getInt("n");
    double noise = params.getDouble("noise");
    Random random = new Random(context.seed());
    float[] x = new float[n];
    float[] y = new float[n];
    float[] gx = new float[n];
    float[] gy = new float[n];
    double lo = xs[0];
    double hi = xs[xs.length - 1];
    for (int i = 0; i < n; i++) {
      double xi = lo + (hi - lo) * random.nextDouble();
      x[i] = (float) xi;
      y[i] = (float) (curve(xs, ys, xi) + noise * random.nextGaussian());
      double grid = lo + (hi - lo) * i / (n - 1);
      gx[i] = (float) grid;
      gy[i] = (float) curve(xs, ys, grid);
    }
    DatasetInfo info = DatasetInfo.regression(new long[] {1}, new long[] {1});
    return new DatasetSplits(
        info,
        new Split(new Tensor(x, new long[] {n, 1}), new Tensor(y, new long[] {n, 1})),
        null,
        new Split(new Tensor(gx, new long[] {n, 1}), new Tensor(gy, new long[] {n, 1})));
  }

  static double curve(double[] xs, double[] ys, double x) {
    for (int i = 1; i < xs.length; i++) {
      if (x <= xs[i]) {
        double t = (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
        return ys[i - 1] + t * (ys[i] - ys[i - 1]);
      }
    }
    return ys[ys.length - 1];
  }
}
