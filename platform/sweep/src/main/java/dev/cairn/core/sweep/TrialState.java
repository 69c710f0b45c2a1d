package dev.cairn.core.sweep;

import java.util.Locale;

/** Where a sweep trial stands; QUEUED and RUNNING trials are retried after a restart. */
public enum TrialState {
  QUEUED,
  RUNNING,
  FINISHED,
  PRUNED,
  FAILED,
  KILLED;

  public boolean done() {
    return this != QUEUED && this != RUNNING;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
