package dev.cairn.core.sweep;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Independent draws from each parameter's distribution. Trial n's draw depends only on the seed and
 * n, so a sweep resumed after a restart proposes the same trials.
 */
public final class RandomSampler implements Sampler {
  private final List<SweepParameter> parameters;
  private final long seed;

  public RandomSampler(List<SweepParameter> parameters, long seed) {
    this.parameters = List.copyOf(parameters);
    this.seed = seed;
  }

  @Override
  public Map<String, Object> sample(int trialNo, Collection<TrialHistory> history) {
    return draw(parameters, trialRandom(seed, trialNo));
  }

  /** One draw of every parameter. */
  public static Map<String, Object> draw(List<SweepParameter> parameters, Random random) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (SweepParameter p : parameters) {
      out.put(p.path(), p.domain().sample(random));
    }
    return out;
  }

  /** A generator for one trial, well mixed from the sweep seed and the trial number. */
  static Random trialRandom(long seed, int trialNo) {
    long z = seed * 0x9E3779B97F4A7C15L + trialNo * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return new Random(z ^ (z >>> 31));
  }
}
