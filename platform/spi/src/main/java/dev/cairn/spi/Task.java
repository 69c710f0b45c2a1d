package dev.cairn.spi;

/** What a dataset's labels mean: class indices, or real-valued targets. */
public enum Task {
  /** Labels are class indices 0..numClasses-1 stored as floats; accuracy is tracked. */
  CLASSIFICATION,
  /** Labels are real-valued targets of shape {@link DatasetInfo#outputShape()}. */
  REGRESSION
}
