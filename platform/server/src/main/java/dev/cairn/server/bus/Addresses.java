package dev.cairn.server.bus;

/** Event-bus addresses. */
public final class Addresses {
  private Addresses() {}

  /** {@link MetricBatch} messages to the store writer (send, no reply). */
  public static final String METRICS = "cairn.store.metrics";

  /** Create a run: JSON {@code NewRun}; replies with the run JSON. */
  public static final String CREATE_RUN = "cairn.store.create-run";

  /** Run life cycle: {@code {runId, status, device?, message?}}; replies when stored. */
  public static final String RUN_STATE = "cairn.store.run-state";

  /** Published by the store writer after each flush: {@code {runIds: [...]}} (live views). */
  public static final String FLUSHED = "cairn.store.flushed";

  /**
   * {@link MetricBatch} from the tracking API: the writer stores and flushes it, then replies, so
   * an acknowledged batch survives a kill -9. Fails with 400 and a message for a bad point.
   */
  public static final String METRICS_DURABLE = "cairn.store.metrics-durable";
}
