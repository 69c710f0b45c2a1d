package dev.cairn.core.tracking;

/** Life cycle of a run. */
public enum RunStatus {
  QUEUED,
  RUNNING,
  FINISHED,
  FAILED,
  KILLED,
  /** A sweep trial its pruner stopped early (the run's message names the step). */
  PRUNED;

  /** True when the run can no longer change. */
  public boolean terminal() {
    return this == FINISHED || this == FAILED || this == KILLED || this == PRUNED;
  }
}
