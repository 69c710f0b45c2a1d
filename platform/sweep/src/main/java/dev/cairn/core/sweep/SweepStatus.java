package dev.cairn.core.sweep;

/** Life cycle of a sweep. A RUNNING sweep is resumed when its controller starts. */
public enum SweepStatus {
  RUNNING,
  FINISHED,
  STOPPED
}
