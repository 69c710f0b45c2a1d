package dev.cairn.core.onnx;

import dev.cairn.core.onnx.OnnxModelException.Reason;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.Split;
import dev.cairn.spi.Task;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a model over a dataset split in batches and computes accuracy and loss the way training
 * reports them, so an exported model can be checked against its run's metrics.
 */
public final class OnnxEvaluator {
  private OnnxEvaluator() {}

  public static Evaluation evaluate(
      InferenceSessions.Lease lease,
      LoadedModel model,
      String dataset,
      String splitName,
      Split split,
      DatasetInfo info,
      int batchSize) {
    ModelSignature sig = model.signature();
    if (sig.inputs().size() != 1) {
      throw new OnnxModelException(
          Reason.BAD_INPUT,
          model.label()
              + " takes "
              + sig.inputs().size()
              + " inputs; evaluate feeds a dataset's features to a model with exactly one input");
    }
    TensorSpec input = sig.inputs().get(0);
    boolean classification = info.task() == Task.CLASSIFICATION;
    long[] exampleShape = split.features().exampleShape();
    int per = split.features().exampleSize();
    float[] features = split.features().data();
    float[] labels = split.labels().data();
    int labelsPer = split.labels().exampleSize();
    int n = split.size();
    long start = System.nanoTime();
    double lossSum = 0;
    double squaredSum = 0;
    long correct = 0;
    boolean checkedOutput = false;
    Boolean probabilities = null;
    for (int from = 0; from < n; from += batchSize) {
      int b = Math.min(batchSize, n - from);
      float[] x = Arrays.copyOfRange(features, from * per, (from + b) * per);
      long[] shape = new long[exampleShape.length + 1];
      shape[0] = b;
      System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
      TensorData in = InputAdapter.fit(input, x, shape);
      Prediction p = OnnxPredictor.predict(lease, sig, Map.of(input.name(), in));
      TensorData out = p.outputs().values().iterator().next();
      int width = out.shape().length == 0 || out.shape()[0] != b ? -1 : out.size() / b;
      if (!checkedOutput) {
        int expected = classification ? info.numClasses() : info.outputSize();
        if (width != expected) {
          throw new OnnxModelException(
              Reason.BAD_INPUT,
              model.label()
                  + " outputs shape "
                  + Arrays.toString(out.shape())
                  + " for a batch of "
                  + b
                  + ", but dataset '"
                  + dataset
                  + "' needs "
                  + expected
                  + (classification ? " class scores" : " values")
                  + " per example");
        }
        checkedOutput = true;
      }
      for (int row = 0; row < b; row++) {
        if (classification) {
          double[] scores = new double[width];
          for (int j = 0; j < width; j++) {
            scores[j] = out.get(row * width + j);
          }
          if (probabilities == null) {
            probabilities =
                looksLikeProbabilities(scores)
                    && !sig.metadata()
                        .getOrDefault(OnnxMetadata.OUTPUT_KIND, "")
                        .startsWith("logits");
          }
          int label = (int) labels[from + row];
          int best = 0;
          for (int j = 1; j < width; j++) {
            if (scores[j] > scores[best]) {
              best = j;
            }
          }
          correct += best == label ? 1 : 0;
          if (!probabilities) {
            OnnxPredictor.softmax(scores);
          }
          lossSum += -Math.log(Math.max(scores[label], 1e-45));
        } else {
          for (int j = 0; j < width; j++) {
            double d = out.get(row * width + j) - labels[(from + row) * labelsPer + j];
            squaredSum += d * d;
          }
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    String task = info.task().name().toLowerCase(Locale.ROOT);
    if (classification) {
      return new Evaluation(
          dataset,
          splitName,
          n,
          task,
          (double) correct / n,
          lossSum / n,
          "softmax cross-entropy"
              + (Boolean.TRUE.equals(probabilities) ? " (outputs read as probabilities)" : ""),
          Double.NaN,
          lease.provider(),
          seconds);
    }
    double mse = squaredSum / ((double) n * info.outputSize());
    return new Evaluation(
        dataset,
        splitName,
        n,
        task,
        Double.NaN,
        mse / 2,
        "l2 (mean of 1/2 (y - t)^2)",
        mse,
        lease.provider(),
        seconds);
  }

  private static boolean looksLikeProbabilities(double[] scores) {
    double sum = 0;
    for (double s : scores) {
      if (s < 0) {
        return false;
      }
      sum += s;
    }
    return Math.abs(sum - 1) < 1e-3;
  }
}
