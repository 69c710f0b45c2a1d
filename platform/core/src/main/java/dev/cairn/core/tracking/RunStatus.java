package dev.cairn.core.tracking;

/** Life cycle of a run. */
public enum RunStatus {
  QUEUED,
  RUNNING,
  FINISHED,
  FAILED,
  KILLED;

  /** True when the run can no longer change. */
  public boolean terminal() {
    return this == FINISHED || this == FAILED || this == KILLED;
  }
}
