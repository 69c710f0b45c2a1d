package dev.cairn.server.sweep;

/**
 * Event-bus addresses of sweeps. The controller (on the head) consumes the {@code cairn.sweep.*}
 * addresses; each training node consumes its own {@link #worker(String)} address. On a cluster
 * these cross JVMs, so their bodies are JSON (or a {@code MetricBatch}, which has a wire codec).
 */
public final class SweepAddresses {
  private SweepAddresses() {}

  /**
   * Start or resume a sweep: {@code {sweepText, baseText, name, runCap, parallel}}; replies {@code
   * {id, resumed, ...}}.
   */
  public static final String SUBMIT = "cairn.sweep.submit";

  /** Stop a sweep: {@code {sweepId}}; its running trials end KILLED. */
  public static final String STOP = "cairn.sweep.stop";

  /**
   * A node offers to train: {@code {workerId, host, pid, cores, gpus, slots, running: [runId]}}.
   */
  public static final String WORKER_HELLO = "cairn.sweep.worker.hello";

  /**
   * Every second from each node: {@code {workerId, running: [runId]}}; replies {@code {known,
   * cancel: [runId]}}.
   */
  public static final String WORKER_HEARTBEAT = "cairn.sweep.worker.heartbeat";

  /** The nodes the controller knows: replies {@code {workers: [...]}}. */
  public static final String WORKERS = "cairn.sweep.workers";

  /**
   * A trial's scalars ({@code MetricBatch}, headers {@code runId}, {@code attempt}); forwarded to
   * the store writer.
   */
  public static final String TRIAL_METRICS = "cairn.sweep.trial.metrics";

  /**
   * A trial's life cycle: {@code {runId, attempt, workerId, status, device?, message?}}; replies
   * {@code {stale}}.
   */
  public static final String TRIAL_STATE = "cairn.sweep.trial.state";

  /**
   * Published by the controller: {@code {type: trial|sweep, sweepId, ...}} as trials and sweeps
   * end.
   */
  public static final String EVENTS = "cairn.sweep.events";

  /** A node's own address: {@code {op: assign|prune|cancel, runId, attempt, ...}}. */
  public static String worker(String workerId) {
    return "cairn.sweep.worker." + workerId;
  }
}
