package dev.cairn.core.sweep.internal;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Optuna's univariate Parzen estimator (TPESampler with its defaults: consider_prior, prior_weight
 * 1.0, consider_magic_clip, no consider_endpoints): a mixture of truncated Gaussians, one per
 * observation plus a wide prior, with bandwidths from the distances to the neighbouring
 * observations.
 */
public final class ParzenEstimator {
  public static final double PRIOR_WEIGHT = 1.0;
  private final double[] mus;
  private final double[] sigmas;
  private final double[] weights;
  private final double low;
  private final double high;
  private final double[] logNorm;

  /**
   * @param observations values in search space
   * @param obsWeights one per observation (Optuna's default_weights)
   * @param low lower bound in search space
   * @param high upper bound
   * @param step spacing of discrete values (0 = continuous): the bounds widen by half a step
   */
  public ParzenEstimator(
      double[] observations, double[] obsWeights, double low, double high, double step) {
    int n = observations.length;
    this.low = low - step / 2;
    this.high = high + step / 2;
    double priorMu = 0.5 * (low + high);
    double[] withPrior = Arrays.copyOf(observations, n + 1);
    withPrior[n] = priorMu;
    Integer[] order = IntStream.range(0, n + 1).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> withPrior[i]));
    double[] ends = new double[n + 3];
    ends[0] = low - step / 2;
    for (int i = 0; i <= n; i++) {
      ends[i + 1] = withPrior[order[i]];
    }
    ends[n + 2] = high + step / 2;
    double[] sorted = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      sorted[i] = Math.max(ends[i + 1] - ends[i], ends[i + 2] - ends[i + 1]);
    }
    if (ends.length >= 4) {
      sorted[0] = ends[2] - ends[1];
      sorted[n] = ends[n + 1] - ends[n];
    }
    double width = high - low + step;
    double maxSigma = width;
    double minSigma = width / Math.min(100.0, 1.0 + (n + 1));
    mus = new double[n + 1];
    sigmas = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      int original = order[i];
      if (original < n) {
        mus[original] = withPrior[original];
        sigmas[original] = Math.min(maxSigma, Math.max(minSigma, sorted[i]));
      }
    }
    mus[n] = priorMu;
    sigmas[n] = width;
    weights = new double[n + 1];
    double sum = PRIOR_WEIGHT;
    for (int i = 0; i < n; i++) {
      weights[i] = obsWeights[i];
      sum += obsWeights[i];
    }
    weights[n] = PRIOR_WEIGHT;
    logNorm = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      weights[i] /= sum;
      double mass =
          Normal.cdf((this.high - mus[i]) / sigmas[i])
              - Normal.cdf((this.low - mus[i]) / sigmas[i]);
      logNorm[i] = Math.log(Math.max(mass, 1e-300)) + Math.log(sigmas[i]);
    }
  }

  /** One draw: a component by weight, then its Gaussian truncated to the bounds. */
  public double sample(Random random) {
    int k = Categorical.draw(weights, random);
    for (int attempt = 0; attempt < 1000; attempt++) {
      double x = mus[k] + sigmas[k] * random.nextGaussian();
      if (x >= low && x <= high) {
        return x;
      }
    }
    return low + (high - low) * random.nextDouble();
  }

  /** Log density of the mixture at {@code x}. */
  public double logPdf(double x) {
    double max = Double.NEGATIVE_INFINITY;
    double[] terms = new double[mus.length];
    for (int i = 0; i < mus.length; i++) {
      double z = (x - mus[i]) / sigmas[i];
      terms[i] = Math.log(weights[i]) - 0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - logNorm[i];
      max = Math.max(max, terms[i]);
    }
    double s = 0;
    for (double t : terms) {
      s += Math.exp(t - max);
    }
    return max + Math.log(s);
  }

  /** Standard normal CDF. */
  static final class Normal {
    private Normal() {}

    static double cdf(double z) {
      return 0.5 * (1 + erf(z / Math.sqrt(2)));
    }

    /** Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7). */
    static double erf(double x) {
      double sign = Math.signum(x);
      double a = Math.abs(x);
      double t = 1 / (1 + 0.3275911 * a);
      double y =
          1
              - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                      + 0.254829592)
                  * t
                  * Math.exp(-a * a);
      return sign * y;
    }
  }

  /** Draws and densities of categorical mixtures. */
  public static final class Categorical {
    private Categorical() {}

    /** An index drawn with the given (not necessarily normalised) weights. */
    public static int draw(double[] weights, Random random) {
      double total = 0;
      for (double w : weights) {
        total += w;
      }
      double u = random.nextDouble() * total;
      for (int i = 0; i < weights.length; i++) {
        u -= weights[i];
        if (u < 0) {
          return i;
        }
      }
      return weights.length - 1;
    }

    /**
     * Optuna's categorical Parzen estimator: each observation is a kernel putting {@code 1 +
     * prior_weight * prior[c]} on its own choice and {@code prior_weight * prior[c]} elsewhere
     * (normalised), plus the prior itself; kernels are mixed with the observation weights.
     *
     * @return the probability of each choice
     */
    public static double[] probabilities(int[] observations, double[] obsWeights, double[] prior) {
      int k = prior.length;
      double[] p = new double[k];
      double total = PRIOR_WEIGHT;
      for (double w : obsWeights) {
        total += w;
      }
      for (int i = 0; i < observations.length; i++) {
        double rowSum = 1 + PRIOR_WEIGHT;
        for (int c = 0; c < k; c++) {
          double v = PRIOR_WEIGHT * prior[c] + (c == observations[i] ? 1 : 0);
          p[c] += obsWeights[i] / total * v / rowSum;
        }
      }
      for (int c = 0; c < k; c++) {
        p[c] += PRIOR_WEIGHT / total * prior[c];
      }
      return p;
    }
  }
}
