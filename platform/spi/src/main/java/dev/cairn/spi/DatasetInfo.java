package dev.cairn.spi;

import java.util.List;
import java.util.Objects;

/**
 * What a model needs to know about a dataset.
 *
 * @param task classification or regression
 * @param inputShape shape of one example, e.g. {@code [1, 28, 28]}
 * @param outputShape shape of one target for regression ({@code [1]}), {@code [numClasses]} for
 *     classification
 * @param classLabels names of the classes (classification), empty otherwise
 */
public record DatasetInfo(
    Task task, long[] inputShape, long[] outputShape, List<String> classLabels) {
  public DatasetInfo {
    Objects.requireNonNull(task, "task");
    inputShape = inputShape.clone();
    outputShape = outputShape.clone();
    classLabels = classLabels == null ? List.of() : List.copyOf(classLabels);
    if (task == Task.CLASSIFICATION && classLabels.size() < 2) {
      throw new IllegalArgumentException("a classification dataset needs at least 2 class labels");
    }
  }

  public static DatasetInfo classification(long[] inputShape, List<String> classLabels) {
    return new DatasetInfo(
        Task.CLASSIFICATION, inputShape, new long[] {classLabels.size()}, classLabels);
  }

  public static DatasetInfo regression(long[] inputShape, long[] outputShape) {
    return new DatasetInfo(Task.REGRESSION, inputShape, outputShape, List.of());
  }

  public int numClasses() {
    return classLabels.size();
  }

  /** Number of values the model must output per example. */
  public int outputSize() {
    long n = 1;
    for (long d : outputShape) {
      n *= d;
    }
    return (int) n;
  }

  /** Number of values per input example. */
  public int inputSize() {
    long n = 1;
    for (long d : inputShape) {
      n *= d;
    }
    return (int) n;
  }
}
