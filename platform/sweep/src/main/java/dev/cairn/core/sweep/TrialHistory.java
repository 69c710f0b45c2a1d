package dev.cairn.core.sweep;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What samplers and pruners know about one trial: its params, state, the metric's value at each
 * step reported so far and, once finished, the objective (the metric's last value).
 */
public final class TrialHistory {
  private final int trialNo;
  private final Map<String, Object> params;
  private final NavigableMap<Long, Double> intermediate = new TreeMap<>();
  private TrialState state;
  private Double objective;

  public TrialHistory(int trialNo, Map<String, Object> params, TrialState state) {
    this.trialNo = trialNo;
    this.params = Map.copyOf(params);
    this.state = Objects.requireNonNull(state, "state");
  }

  public int trialNo() {
    return trialNo;
  }

  public Map<String, Object> params() {
    return params;
  }

  public TrialState state() {
    return state;
  }

  public void state(TrialState state) {
    this.state = Objects.requireNonNull(state, "state");
  }

  /** The final value of the metric, or null. */
  public Double objective() {
    return objective;
  }

  public void objective(Double objective) {
    this.objective = objective;
  }

  /**
   * Records the metric at a step; the first value reported for a step wins, so a retried trial that
   * reports the same steps again changes nothing.
   *
   * @return true when the step was new
   */
  public boolean report(long step, double value) {
    return intermediate.putIfAbsent(step, value) == null;
  }

  public NavigableMap<Long, Double> intermediate() {
    return Collections.unmodifiableNavigableMap(intermediate);
  }

  /** The last reported value, or null. */
  public Double lastValue() {
    return intermediate.isEmpty() ? null : intermediate.lastEntry().getValue();
  }

  public long lastStep() {
    return intermediate.isEmpty() ? 0 : intermediate.lastKey();
  }

  /** An independent copy, for a sampler that reads it on another thread while the trial reports. */
  public TrialHistory copy() {
    TrialHistory copy = new TrialHistory(trialNo, params, state);
    copy.objective = objective;
    copy.intermediate.putAll(intermediate);
    return copy;
  }
}
