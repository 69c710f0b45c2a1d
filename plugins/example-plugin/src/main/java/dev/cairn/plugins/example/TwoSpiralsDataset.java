package dev.cairn.plugins.example;

import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.Split;
import dev.cairn.spi.Tensor;
import java.util.List;
import java.util.Random;
import org.pf4j.Extension;

/**
 * Two interleaved spirals in the plane, one per class: a small classification problem that no
 * linear model can solve and a few hidden layers can.
 *
 * <p>This class is the whole of a dataset plugin. The three things PF4J and Cairn need:
 *
 * <ol>
 *   <li>{@code @Extension}, so PF4J's annotation processor lists the class in {@code
 *       META-INF/extensions.idx} when the plugin compiles;
 *   <li>a public no-argument constructor (here the implicit one), which PF4J calls;
 *   <li>an implementation of one Cairn extension point, here {@link DatasetProvider}.
 * </ol>
 */
@Extension
public class TwoSpiralsDataset implements DatasetProvider {

  /** The id a spec uses: {@code dataset: {plugin: two-spirals, n: 1000}}. Unique among datasets. */
  @Override
  public String id() {
    return "two-spirals";
  }

  /** One line shown by {@code cairn plugins}. */
  @Override
  public String description() {
    return "two interleaved spirals in 2-D, one class each (example plugin)";
  }

  /**
   * Every parameter the spec may set, with its default and allowed range. Cairn validates the spec
   * against these before {@link #load} runs, and names the field in any error ("dataset.n: 0 is not
   * allowed; expected an integer >= 2"), so {@code load} can trust the values.
   */
  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofInt("n", 400, "number of points in each split, half per spiral")
            .atLeast(2)
            .atMost(10_000_000),
        ParamSpec.ofDouble("noise", 0.05, "standard deviation of Gaussian noise on x and y")
            .atLeast(0),
        ParamSpec.ofDouble("turns", 1.5, "how many times each spiral winds around").greaterThan(0));
  }

  /**
   * Builds the data in memory. Datasets hand plain float arrays to the core ({@link Tensor}), so a
   * plugin needs no deep-learning engine of its own. Use {@code context.seed()} for anything
   * random: the same spec then gives the same data.
   */
  @Override
  public DatasetSplits load(Params params, DatasetContext context) {
    int n = params.getInt("n");
    double noise = params.getDouble("noise");
    double turns = params.getDouble("turns");
    Random random = new Random(context.seed());
    Split train = spirals(n, noise, turns, random);
    Split test = spirals(n, noise, turns, random); // fresh points from the same distribution
    DatasetInfo info = DatasetInfo.classification(new long[] {2}, List.of("spiral-a", "spiral-b"));
    return new DatasetSplits(info, train, null, test);
  }

  private static Split spirals(int n, double noise, double turns, Random random) {
    float[] points = new float[2 * n];
    float[] labels = new float[n];
    for (int i = 0; i < n; i++) {
      int label = i % 2; // alternate, so the first k examples are balanced too
      double radius = 0.05 + 0.95 * random.nextDouble();
      double angle = 2 * Math.PI * turns * radius + Math.PI * label; // spiral b = a rotated 180°
      points[2 * i] = (float) (radius * Math.cos(angle) + noise * random.nextGaussian());
      points[2 * i + 1] = (float) (radius * Math.sin(angle) + noise * random.nextGaussian());
      labels[i] = label;
    }
    // Features: [examples, 2]. Labels: class indices as floats, [examples].
    return new Split(new Tensor(points, new long[] {n, 2}), new Tensor(labels, new long[] {n}));
  }
}
