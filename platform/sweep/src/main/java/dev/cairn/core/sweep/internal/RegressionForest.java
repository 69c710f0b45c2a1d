package dev.cairn.core.sweep.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * A random forest of CART regression trees on features scaled to [0, 1], like scikit-learn's
 * RandomForestRegressor that Optuna's fANOVA fits (bootstrap samples, every feature considered at
 * each split, splits at midpoints between distinct values that reduce the squared error most). Each
 * tree is kept as its leaves: boxes in [0, 1]^d with a constant prediction.
 */
public final class RegressionForest {
  /** A leaf: the box {@code [lo, hi)} per feature and its prediction. */
  public record Leaf(double[] lo, double[] hi, double value) {
    /** Volume of the box. */
    public double volume() {
      double v = 1;
      for (int i = 0; i < lo.length; i++) {
        v *= hi[i] - lo[i];
      }
      return v;
    }
  }

  private final List<List<Leaf>> trees = new ArrayList<>();

  /**
   * @param x rows of features in [0, 1]
   * @param y targets
   */
  public RegressionForest(
      double[][] x,
      double[] y,
      int nTrees,
      int maxDepth,
      int minSamplesSplit,
      int minSamplesLeaf,
      long seed) {
    Random random = new Random(seed);
    int n = y.length;
    int d = x.length == 0 ? 0 : x[0].length;
    for (int t = 0; t < nTrees; t++) {
      int[] sample = new int[n];
      for (int i = 0; i < n; i++) {
        sample[i] = random.nextInt(n);
      }
      double[] lo = new double[d];
      double[] hi = new double[d];
      Arrays.fill(hi, 1.0);
      List<Leaf> leaves = new ArrayList<>();
      grow(x, y, sample, lo, hi, 0, maxDepth, minSamplesSplit, minSamplesLeaf, leaves);
      trees.add(leaves);
    }
  }

  public List<List<Leaf>> trees() {
    return trees;
  }

  private static void grow(
      double[][] x,
      double[] y,
      int[] idx,
      double[] lo,
      double[] hi,
      int depth,
      int maxDepth,
      int minSplit,
      int minLeaf,
      List<Leaf> leaves) {
    double mean = 0;
    for (int i : idx) {
      mean += y[i];
    }
    mean /= idx.length;
    if (depth >= maxDepth || idx.length < minSplit) {
      leaves.add(new Leaf(lo.clone(), hi.clone(), mean));
      return;
    }
    int bestFeature = -1;
    double bestThreshold = 0;
    double bestSse = sse(y, idx, mean) - 1e-12;
    int d = lo.length;
    for (int f = 0; f < d; f++) {
      int feature = f;
      Integer[] order = Arrays.stream(idx).boxed().toArray(Integer[]::new);
      Arrays.sort(order, (a, b) -> Double.compare(x[a][feature], x[b][feature]));
      double leftSum = 0;
      double leftSq = 0;
      double totalSum = 0;
      double totalSq = 0;
      for (int i : idx) {
        totalSum += y[i];
        totalSq += y[i] * y[i];
      }
      for (int k = 0; k < order.length - 1; k++) {
        double v = y[order[k]];
        leftSum += v;
        leftSq += v * v;
        int nl = k + 1;
        int nr = order.length - nl;
        double a = x[order[k]][feature];
        double b = x[order[k + 1]][feature];
        if (a == b || nl < minLeaf || nr < minLeaf) {
          continue;
        }
        double rightSum = totalSum - leftSum;
        double rightSq = totalSq - leftSq;
        double s = (leftSq - leftSum * leftSum / nl) + (rightSq - rightSum * rightSum / nr);
        if (s < bestSse) {
          bestSse = s;
          bestFeature = feature;
          bestThreshold = 0.5 * (a + b);
        }
      }
    }
    if (bestFeature < 0) {
      leaves.add(new Leaf(lo.clone(), hi.clone(), mean));
      return;
    }
    int f = bestFeature;
    double th = bestThreshold;
    int[] left = Arrays.stream(idx).filter(i -> x[i][f] < th).toArray();
    int[] right = Arrays.stream(idx).filter(i -> x[i][f] >= th).toArray();
    double savedHi = hi[f];
    hi[f] = th;
    grow(x, y, left, lo, hi, depth + 1, maxDepth, minSplit, minLeaf, leaves);
    hi[f] = savedHi;
    double savedLo = lo[f];
    lo[f] = th;
    grow(x, y, right, lo, hi, depth + 1, maxDepth, minSplit, minLeaf, leaves);
    lo[f] = savedLo;
  }

  private static double sse(double[] y, int[] idx, double mean) {
    double s = 0;
    for (int i : idx) {
      s += (y[i] - mean) * (y[i] - mean);
    }
    return s;
  }

  /**
   * fANOVA's first-order (main-effect) variance fractions of one tree under the uniform measure on
   * [0, 1]^d: for feature j, the variance of the tree's prediction averaged over every other
   * feature, divided by the total variance. Null when the tree is constant.
   */
  public static double[] mainEffects(List<Leaf> leaves, int d) {
    double f0 = 0;
    for (Leaf l : leaves) {
      f0 += l.volume() * l.value();
    }
    double total = 0;
    for (Leaf l : leaves) {
      total += l.volume() * (l.value() - f0) * (l.value() - f0);
    }
    if (total <= 1e-300) {
      return null;
    }
    double[] out = new double[d];
    for (int j = 0; j < d; j++) {
      TreeSet<Double> cuts = new TreeSet<>();
      cuts.add(0.0);
      cuts.add(1.0);
      for (Leaf l : leaves) {
        cuts.add(l.lo()[j]);
        cuts.add(l.hi()[j]);
      }
      Double[] c = cuts.toArray(Double[]::new);
      double vj = 0;
      for (int k = 0; k < c.length - 1; k++) {
        double mid = 0.5 * (c[k] + c[k + 1]);
        double marginal = 0;
        for (Leaf l : leaves) {
          if (l.lo()[j] <= mid && mid < l.hi()[j]) {
            marginal += l.value() * l.volume() / (l.hi()[j] - l.lo()[j]);
          }
        }
        vj += (c[k + 1] - c[k]) * (marginal - f0) * (marginal - f0);
      }
      out[j] = vj / total;
    }
    return out;
  }
}
