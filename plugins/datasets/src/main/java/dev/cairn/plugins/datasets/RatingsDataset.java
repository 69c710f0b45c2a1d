package dev.cairn.plugins.datasets;

import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.Split;
import dev.cairn.spi.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.pf4j.Extension;

/**
 * Synthetic user × item ratings for collaborative filtering, with a known low-rank structure: every
 * user and item has {@code factors} hidden tastes ~ N(0, 1/factors) and a bias ~ N(0, 0.25²), and a
 * rating is {@code 3 + pᵤ·qᵢ·2 + bᵤ + bᵢ + N(0, noise²)}, clipped to [1, 5]. A {@code density}
 * share of the pairs is observed; 80 % of those train, 20 % test. Features are {@code [user, item]}
 * indices ({@code [n, 2]}), targets the ratings ({@code [n, 1]}).
 */
@Extension
public class RatingsDataset implements DatasetProvider {

  @Override
  public String id() {
    return "ratings";
  }

  @Override
  public String description() {
    return "synthetic 1-5 ratings of users x items with low-rank structure ([user, item] -> rating)";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofInt("users", 100, "number of users").atLeast(1).atMost(100_000),
        ParamSpec.ofInt("items", 80, "number of items").atLeast(1).atMost(100_000),
        ParamSpec.ofInt("factors", 3, "hidden tastes per user and item").atLeast(1).atMost(10_000),
        ParamSpec.ofDouble("density", 0.3, "share of user-item pairs that are rated")
            .greaterThan(0)
            .atMost(1),
        ParamSpec.ofDouble("noise", 0.3, "standard deviation of the rating noise").atLeast(0));
  }

  @Override
  public DatasetSplits load(Params params, DatasetContext context) {
    int users = params.getInt("users");
    int items = params.getInt("items");
    int k = params.getInt("factors");
    double noise = params.getDouble("noise");
    Random random = new Random(context.seed());
    double scale = Math.sqrt(1.0 / k);
    double[][] p = latent(random, users, k, scale);
    double[][] q = latent(random, items, k, scale);
    double[] bu = column(latent(random, users, 1, 0.25));
    double[] bi = column(latent(random, items, 1, 0.25));
    List<int[]> pairs = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < items; i++) {
        pairs.add(new int[] {u, i});
      }
    }
    Collections.shuffle(pairs, random);
    int observed = Math.max(2, (int) Math.round(pairs.size() * params.getDouble("density")));
    observed = Math.min(observed, pairs.size());
    int trainCount = Math.max(1, (int) (observed * 0.8));
    float[] x = new float[observed * 2];
    float[] y = new float[observed];
    for (int n = 0; n < observed; n++) {
      int u = pairs.get(n)[0];
      int i = pairs.get(n)[1];
      double dot = 0;
      for (int f = 0; f < k; f++) {
        dot += p[u][f] * q[i][f];
      }
      double rating = 3 + 2 * dot + bu[u] + bi[i] + noise * random.nextGaussian();
      x[2 * n] = u;
      x[2 * n + 1] = i;
      y[n] = (float) Math.max(1, Math.min(5, rating));
    }
    DatasetInfo info = DatasetInfo.regression(new long[] {2}, new long[] {1});
    return new DatasetSplits(
        info, slice(x, y, 0, trainCount), null, slice(x, y, trainCount, observed));
  }

  private static double[][] latent(Random random, int rows, int k, double std) {
    double[][] out = new double[rows][k];
    for (double[] row : out) {
      for (int f = 0; f < k; f++) {
        row[f] = std * random.nextGaussian();
      }
    }
    return out;
  }

  private static double[] column(double[][] m) {
    double[] out = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      out[i] = m[i][0];
    }
    return out;
  }

  private static Split slice(float[] x, float[] y, int from, int to) {
    int n = to - from;
    float[] xs = new float[n * 2];
    float[] ys = new float[n];
    System.arraycopy(x, from * 2, xs, 0, n * 2);
    System.arraycopy(y, from, ys, 0, n);
    return new Split(new Tensor(xs, new long[] {n, 2}), new Tensor(ys, new long[] {n, 1}));
  }
}
