package dev.cairn.server.sweep;

import io.vertx.core.json.JsonObject;

/** One attempt of a trial on a training node, and the stop request the head may send it. */
final class TrialTask {
  private final String runId;
  private final int attempt;
  private final String specText;
  private volatile TrialRunner.Stop stop = TrialRunner.Stop.NONE;
  private volatile String stopReason;

  TrialTask(String runId, int attempt, String specText) {
    this.runId = runId;
    this.attempt = attempt;
    this.specText = specText;
  }

  static TrialTask fromJson(JsonObject json) {
    return new TrialTask(
        json.getString("runId"), json.getInteger("attempt"), json.getString("specText"));
  }

  String runId() {
    return runId;
  }

  int attempt() {
    return attempt;
  }

  String specText() {
    return specText;
  }

  TrialRunner.Stop stop() {
    return stop;
  }

  String stopReason() {
    return stopReason;
  }

  /** Asks the training to stop at its next batch; only the first request counts. */
  synchronized void requestStop(TrialRunner.Stop why, String reason) {
    if (stop == TrialRunner.Stop.NONE) {
      stopReason = reason;
      stop = why;
    }
  }
}
