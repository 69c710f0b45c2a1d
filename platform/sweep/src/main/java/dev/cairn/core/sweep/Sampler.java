package dev.cairn.core.sweep;

import java.util.Collection;
import java.util.Map;

/**
 * Picks a trial's parameters. Implementations are deterministic given the trial number and history.
 */
public interface Sampler {
  /**
   * The parameters of trial {@code trialNo} (1-based).
   *
   * @param history every earlier trial, in any state
   */
  Map<String, Object> sample(int trialNo, Collection<TrialHistory> history);

  /** How many trials this sampler can propose at most ({@link Integer#MAX_VALUE}: unbounded). */
  default int capacity() {
    return Integer.MAX_VALUE;
  }
}
