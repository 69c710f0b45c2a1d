package dev.cairn.core.sweep;

import java.time.Instant;
import java.util.Map;

/**
 * A stored trial: the run it trains as, its sampled params and how it went.
 *
 * @param objective the metric's last value, or null
 * @param objectiveStep the step of that value, or null
 * @param prunedStep the metric step at which the pruner stopped it, or null
 * @param attempts how many times it was dispatched (more than 1 after a worker or head was lost)
 * @param worker the node that ran (or runs) it
 */
public record TrialRecord(
    String sweepId,
    int trialNo,
    String runId,
    TrialState status,
    Map<String, Object> params,
    Double objective,
    Long objectiveStep,
    Long prunedStep,
    int attempts,
    String worker,
    String message,
    Instant createdAt,
    Instant dispatchedAt,
    Instant runningAt,
    Instant firstMetricAt,
    Instant firstStoredAt,
    Instant endedAt) {

  /** This trial as samplers and pruners see it (without intermediate values). */
  public TrialHistory history() {
    TrialHistory h = new TrialHistory(trialNo, params, status);
    h.objective(objective);
    return h;
  }
}
