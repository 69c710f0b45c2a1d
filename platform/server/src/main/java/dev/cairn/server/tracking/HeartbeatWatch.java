package dev.cairn.server.tracking;

import dev.cairn.core.tracking.RunStatus;
import dev.cairn.server.Platform;
import dev.cairn.server.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outside runs that are RUNNING and when their client was last heard of (a heartbeat or any write).
 * A run silent for longer than the timeout is marked FAILED through the store writer.
 */
final class HeartbeatWatch {
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatWatch.class);
  static final String ENV = "CAIRN_HEARTBEAT_TIMEOUT_SECONDS";
  static final long DEFAULT_TIMEOUT_SECONDS = 120;
  static final String MESSAGE_PREFIX = "no heartbeat from its client for ";

  private final Vertx vertx;
  private final Duration timeout;
  private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();

  HeartbeatWatch(Vertx vertx, Duration timeout) {
    this.vertx = vertx;
    this.timeout = timeout;
    long period = Math.max(200, Math.min(5_000, timeout.toMillis() / 4));
    vertx.setPeriodic(period, id -> sweep());
  }

  /** The timeout from {@code CAIRN_HEARTBEAT_TIMEOUT_SECONDS} (1..86400), or 120 s. */
  static Duration timeoutFromEnvironment() {
    String raw = System.getenv(ENV);
    if (raw == null || raw.isBlank()) {
      return Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);
    }
    try {
      long s = Long.parseLong(raw.trim());
      if (s >= 1 && s <= 86_400) {
        return Duration.ofSeconds(s);
      }
    } catch (NumberFormatException e) {
      // falls through to the warning
    }
    LOG.warn(
        "{}='{}' is not a number of seconds in 1..86400; using {}",
        ENV,
        raw,
        DEFAULT_TIMEOUT_SECONDS);
    return Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);
  }

  Duration timeout() {
    return timeout;
  }

  boolean watching(String runId) {
    return lastHeard.containsKey(runId);
  }

  void heard(String runId) {
    lastHeard.put(runId, System.nanoTime());
  }

  void forget(String runId) {
    lastHeard.remove(runId);
  }

  /**
   * True for a FAILED message this server wrote for a run it gave up on: a write revives the run.
   */
  static boolean revivable(String message) {
    return message != null
        && (message.startsWith(MESSAGE_PREFIX) || message.equals(Platform.ABANDONED_MESSAGE));
  }

  private void sweep() {
    long now = System.nanoTime();
    for (var e : lastHeard.entrySet()) {
      if (now - e.getValue() > timeout.toNanos() && lastHeard.remove(e.getKey(), e.getValue())) {
        String runId = e.getKey();
        LOG.warn("run {}: no heartbeat for {} s; marking it FAILED", runId, timeout.toSeconds());
        JsonObject state =
            new JsonObject()
                .put("runId", runId)
                .put("status", RunStatus.FAILED.name())
                .put(
                    "message",
                    MESSAGE_PREFIX
                        + timeout.toSeconds()
                        + " s (timeout "
                        + ENV
                        + "); marked FAILED by the server");
        vertx
            .eventBus()
            .request(Addresses.RUN_STATE, state)
            .onFailure(
                t -> LOG.warn("run {} could not be marked FAILED: {}", runId, t.getMessage()));
      }
    }
  }
}
