package dev.cairn.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.TranslateException;
import dev.cairn.core.tracking.ScalarPoint;
import java.io.IOException;
import java.util.Map;

/** The metrics a training returns at its end, and how those that no series holds are stored. */
final class FinalMetrics {
  private FinalMetrics() {}

  /**
   * Evaluates {@code set} without autograd: {@code split/loss} and, for classification, accuracy.
   */
  static void evaluate(
      Trainer trainer,
      EpochBatches set,
      boolean classification,
      Map<String, Double> metrics,
      String split)
      throws IOException, TranslateException {
    double lossSum = 0;
    double correct = 0;
    long n = 0;
    for (Batch batch : trainer.iterateDataset(set)) {
      try (batch) {
        NDList predictions = trainer.evaluate(batch.getData());
        NDList labels = batch.getLabels();
        long size = batch.getSize();
        lossSum += trainer.getLoss().evaluate(labels, predictions).getFloat() * size;
        if (classification) {
          NDArray predicted =
              predictions.singletonOrThrow().argMax(1).toType(labels.head().getDataType(), false);
          correct += predicted.eq(labels.head()).sum().getLong();
        }
        n += size;
      }
    }
    put(metrics, split + "/loss", lossSum / n);
    if (classification) {
      put(metrics, split + "/accuracy", correct / n);
    }
  }

  /**
   * Stores the final metrics that no series holds yet (train/accuracy, the test split evaluated
   * after a validation split, an evaluation of restored best weights) as one point at the last
   * step, so that the dashboard shows what the CLI prints.
   */
  static void store(MetricSink sink, String runId, long step, Map<String, Double> metrics) {
    long now = System.currentTimeMillis();
    metrics.forEach(
        (key, value) -> {
          if (!key.equals("train/loss") && !key.startsWith("epoch/") && Double.isFinite(value)) {
            sink.accept(new ScalarPoint(runId, key, step, now, value));
          }
        });
    sink.flush();
  }

  static void put(Map<String, Double> metrics, String key, double value) {
    if (!Double.isNaN(value)) {
      metrics.put(key, value);
    }
  }
}
