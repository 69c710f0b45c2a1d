package dev.cairn.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.cairn.core.tracking.ScalarPoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Top-k accuracy and per-class accuracy of the evaluation split, each epoch: {@code
 * epoch/<split>_top<k>_accuracy} and {@code epoch/<split>_class_accuracy/<class>}. Counts stay on
 * the device and are read once per epoch.
 */
final class ClassMetricsListener extends TrainingListenerAdapter {
  private final String runId;
  private final MetricSink sink;
  private final String split;
  private final int topK;
  private final List<String> classes;
  private final boolean perClass;
  private NDManager manager;
  private NDArray topKCorrect;
  private NDArray classCorrect;
  private NDArray classTotal;
  private long examples;
  private int epoch;
  private final Map<String, Double> last = new LinkedHashMap<>();

  ClassMetricsListener(
      String runId,
      MetricSink sink,
      String split,
      int topK,
      List<String> classes,
      boolean perClass,
      int firstEpoch) {
    this.runId = runId;
    this.sink = sink;
    this.split = split;
    this.topK = topK;
    this.classes = classes;
    this.perClass = perClass;
    this.epoch = firstEpoch;
  }

  @Override
  public void onTrainingBegin(Trainer trainer) {
    manager = trainer.getManager().newSubManager();
    reset();
  }

  private void reset() {
    if (topKCorrect != null) {
      topKCorrect.close();
      classCorrect.close();
      classTotal.close();
    }
    topKCorrect = manager.zeros(new Shape(), DataType.INT64);
    classCorrect = manager.zeros(new Shape(classes.size()), DataType.FLOAT32);
    classTotal = manager.zeros(new Shape(classes.size()), DataType.FLOAT32);
    examples = 0;
  }

  @Override
  public void onValidationBatch(Trainer trainer, BatchData batchData) {
    var device = batchData.getLabels().keySet().iterator().next();
    NDList labels = batchData.getLabels().get(device);
    NDArray scores = batchData.getPredictions().get(device).singletonOrThrow();
    NDArray label = labels.head().toType(DataType.INT64, false).reshape(-1, 1);
    if (topK > 0) {
      NDArray best = scores.argSort(1, false).get(":, :" + topK);
      topKCorrect.addi(best.eq(label).sum().toType(DataType.INT64, false));
    }
    if (perClass) {
      NDArray oneHot = label.reshape(-1).oneHot(classes.size()).toType(DataType.FLOAT32, false);
      NDArray right =
          scores
              .argMax(1)
              .toType(DataType.INT64, false)
              .reshape(-1, 1)
              .eq(label)
              .toType(DataType.FLOAT32, false);
      classTotal.addi(oneHot.sum(new int[] {0}));
      classCorrect.addi(oneHot.mul(right).sum(new int[] {0}));
    }
    examples += batchData.getBatch().getSize();
  }

  @Override
  public void onEpoch(Trainer trainer) {
    epoch++;
    if (examples == 0) {
      return;
    }
    long now = System.currentTimeMillis();
    last.clear();
    if (topK > 0) {
      double value = (double) topKCorrect.getLong() / examples;
      emit(
          "epoch/" + split + "_top" + topK + "_accuracy",
          split + "/top" + topK + "_accuracy",
          value,
          now);
    }
    if (perClass) {
      float[] right = classCorrect.toFloatArray();
      float[] total = classTotal.toFloatArray();
      for (int c = 0; c < classes.size(); c++) {
        if (total[c] > 0) {
          String name = classes.get(c).replaceAll("[^A-Za-z0-9_.-]+", "-");
          emit(
              "epoch/" + split + "_class_accuracy/" + name,
              split + "/class_accuracy/" + name,
              right[c] / total[c],
              now);
        }
      }
    }
    reset();
  }

  private void emit(String tag, String metric, double value, long now) {
    sink.accept(new ScalarPoint(runId, tag, epoch, now, value));
    last.put(metric, value);
  }

  /** The latest epoch's values by final-metric name, e.g. {@code test/top5_accuracy}. */
  Map<String, Double> lastValues() {
    return Map.copyOf(last);
  }

  @Override
  public void onTrainingEnd(Trainer trainer) {
    if (manager != null) {
      manager.close();
    }
  }
}
