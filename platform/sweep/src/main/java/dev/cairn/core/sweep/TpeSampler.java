package dev.cairn.core.sweep;

import dev.cairn.core.sweep.internal.ParzenEstimator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Tree-structured Parzen Estimator, as Optuna's TPESampler with its defaults (independent,
 * univariate): the first {@code n_startup_trials} (10) trials are random; after that the finished
 * trials are split into the best {@code gamma(n) = min(ceil(0.1 n), 25)} ("below") and the rest, a
 * Parzen estimator l(x) and g(x) is fitted to each per parameter, {@code n_ei_candidates} (24)
 * values are drawn from l(x) and the one maximising l(x)/g(x) (the expected improvement under TPE's
 * model) is proposed. Pruned trials count as worse than every finished one, deeper ones first.
 *
 * <p>Why TPE rather than a Gaussian process: sweeps here mix log-scaled floats, integers and
 * categoricals (optimizer, layer sizes), which TPE models natively while a GP needs kernels and
 * encodings for each; TPE costs O(n) per suggestion with nothing to fit (a GP is O(n³) with
 * hyperparameters to optimise); and it works from few trials and under parallel trials, which is
 * where sweeps on a 2-core machine or a small cluster live.
 */
public final class TpeSampler implements Sampler {
  private final List<SweepParameter> parameters;
  private final Goal goal;
  private final long seed;
  private final SweepSpec.TpeSettings settings;

  public TpeSampler(
      List<SweepParameter> parameters, Goal goal, long seed, SweepSpec.TpeSettings settings) {
    this.parameters = List.copyOf(parameters);
    this.goal = goal;
    this.seed = seed;
    this.settings = settings;
  }

  @Override
  public Map<String, Object> sample(int trialNo, Collection<TrialHistory> history) {
    Random random = RandomSampler.trialRandom(seed, trialNo);
    List<TrialHistory> ranked = rank(history);
    if (ranked.size() < Math.max(1, settings.nStartupTrials())) {
      return RandomSampler.draw(parameters, random);
    }
    int nBelow = gamma(ranked.size());
    List<TrialHistory> below = byTrialNo(ranked.subList(0, nBelow));
    List<TrialHistory> above = byTrialNo(ranked.subList(nBelow, ranked.size()));
    Map<String, Object> out = new LinkedHashMap<>();
    for (SweepParameter p : parameters) {
      out.put(p.path(), suggest(p, below, above, random));
    }
    return out;
  }

  private Object suggest(
      SweepParameter p, List<TrialHistory> below, List<TrialHistory> above, Random random) {
    Domain d = p.domain();
    if (d instanceof Domain.Fixed f) {
      return f.value();
    }
    if (d instanceof Domain.Categorical c) {
      double[] prior = new double[c.values().size()];
      for (int i = 0; i < prior.length; i++) {
        prior[i] = c.prior(i);
      }
      double[] l = categorical(p.path(), c, below, prior);
      double[] g = categorical(p.path(), c, above, prior);
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < settings.nEiCandidates(); i++) {
        int k = ParzenEstimator.Categorical.draw(l, random);
        double score = Math.log(l[k]) - Math.log(g[k]);
        if (score > bestScore) {
          bestScore = score;
          best = k;
        }
      }
      return c.values().get(best);
    }
    Domain.Numeric n = (Domain.Numeric) d;
    ParzenEstimator l = numeric(p.path(), n, below);
    ParzenEstimator g = numeric(p.path(), n, above);
    double best = Double.NaN;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < settings.nEiCandidates(); i++) {
      double x = l.sample(random);
      double score = l.logPdf(x) - g.logPdf(x);
      if (score > bestScore || Double.isNaN(best)) {
        bestScore = score;
        best = x;
      }
    }
    return n.fromSearch(best);
  }

  private static ParzenEstimator numeric(String path, Domain.Numeric n, List<TrialHistory> trials) {
    List<Double> xs = new ArrayList<>();
    for (TrialHistory t : trials) {
      if (t.params().get(path) instanceof Number v) {
        double x = n.toSearch(v);
        if (Double.isFinite(x)) {
          xs.add(Math.min(n.high(), Math.max(n.low(), x)));
        }
      }
    }
    double[] obs = xs.stream().mapToDouble(Double::doubleValue).toArray();
    return new ParzenEstimator(obs, defaultWeights(obs.length), n.low(), n.high(), n.step());
  }

  private static double[] categorical(
      String path, Domain.Categorical c, List<TrialHistory> trials, double[] prior) {
    List<Integer> idx = new ArrayList<>();
    for (TrialHistory t : trials) {
      int i = c.indexOf(t.params().get(path));
      if (i >= 0) {
        idx.add(i);
      }
    }
    int[] obs = idx.stream().mapToInt(Integer::intValue).toArray();
    return ParzenEstimator.Categorical.probabilities(obs, defaultWeights(obs.length), prior);
  }

  /** Finished trials best first, then pruned ones (deepest first, then by their last value). */
  List<TrialHistory> rank(Collection<TrialHistory> history) {
    Comparator<Double> best = goal.bestFirst();
    List<TrialHistory> complete = new ArrayList<>();
    List<TrialHistory> pruned = new ArrayList<>();
    for (TrialHistory t : history) {
      if (t.state() == TrialState.FINISHED
          && t.objective() != null
          && Double.isFinite(t.objective())) {
        complete.add(t);
      } else if (t.state() == TrialState.PRUNED
          && t.lastValue() != null
          && Double.isFinite(t.lastValue())) {
        pruned.add(t);
      }
    }
    complete.sort(
        Comparator.<TrialHistory, Double>comparing(TrialHistory::objective, best)
            .thenComparingInt(TrialHistory::trialNo));
    Comparator<TrialHistory> deeperFirst =
        Comparator.comparingLong(TrialHistory::lastStep).reversed();
    pruned.sort(
        deeperFirst
            .thenComparing(TrialHistory::lastValue, best)
            .thenComparingInt(TrialHistory::trialNo));
    List<TrialHistory> out = new ArrayList<>(complete);
    out.addAll(pruned);
    return out;
  }

  /** Optuna's default_gamma. */
  static int gamma(int n) {
    return Math.min((int) Math.ceil(0.1 * n), 25);
  }

  /** Optuna's default_weights: flat for the newest 25, a ramp from 1/n for older ones. */
  static double[] defaultWeights(int n) {
    double[] w = new double[n];
    if (n < 25) {
      Arrays.fill(w, 1.0);
      return w;
    }
    int ramp = n - 25;
    for (int i = 0; i < ramp; i++) {
      w[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1 - 1.0 / n) * i / (ramp - 1);
    }
    for (int i = ramp; i < n; i++) {
      w[i] = 1.0;
    }
    return w;
  }

  private static List<TrialHistory> byTrialNo(List<TrialHistory> trials) {
    List<TrialHistory> out = new ArrayList<>(trials);
    out.sort(Comparator.comparingInt(TrialHistory::trialNo));
    return out;
  }
}
