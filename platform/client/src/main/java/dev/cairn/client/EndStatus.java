package dev.cairn.client;

/** How a run ends. */
public enum EndStatus {
  FINISHED,
  FAILED,
  KILLED
}
