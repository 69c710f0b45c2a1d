package dev.cairn.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.cairn.core.tracking.media.PngWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * For classification: every {@code everyEpochs} epochs, a grid of the first evaluation examples
 * with their true and predicted labels ({@code samples/predictions}; a green border marks a right
 * prediction, a red one a wrong one) and the confusion matrix of the whole evaluation split, as an
 * image ({@code confusion_matrix}) and as a text table. Both come from the predictions DJL's own
 * validation pass already made: no extra forward pass.
 */
final class SampleImagesListener extends TrainingListenerAdapter {
  static final String SAMPLES_TAG = "samples/predictions";
  static final String CONFUSION_TAG = "confusion_matrix";
  private static final int GRID = 4;
  private static final int SCALE = 2;
  private static final int BORDER = 2;

  private final RunMetricLogger logger;
  private final List<String> classes;
  private final long[] exampleShape;
  private final int everyEpochs;
  private final long[][] confusion;
  private int epoch = 1;
  private boolean firstBatch = true;
  private float[] sampleData;
  private int[] sampleTrue;
  private int[] samplePredicted;

  SampleImagesListener(
      RunMetricLogger logger, List<String> classes, long[] exampleShape, int everyEpochs) {
    this.logger = logger;
    this.classes = classes;
    this.exampleShape = exampleShape.clone();
    this.everyEpochs = everyEpochs;
    this.confusion = new long[classes.size()][classes.size()];
  }

  /** Height, width, channels of an example that can be drawn, or null (not image-like). */
  static int[] imageGeometry(long[] shape) {
    if (shape.length == 3 && (shape[0] == 1 || shape[0] == 3)) {
      return new int[] {(int) shape[1], (int) shape[2], (int) shape[0]};
    }
    if (shape.length == 2) {
      return new int[] {(int) shape[0], (int) shape[1], 1};
    }
    if (shape.length == 1) {
      int side = (int) Math.round(Math.sqrt(shape[0]));
      if (side >= 8 && (long) side * side == shape[0]) {
        return new int[] {side, side, 1};
      }
    }
    return null;
  }

  private boolean active() {
    return everyEpochs > 0 && epoch % everyEpochs == 0;
  }

  @Override
  public void onValidationBatch(Trainer trainer, BatchData batchData) {
    if (!active()) {
      return;
    }
    for (var entry : batchData.getLabels().entrySet()) {
      NDList predictions = batchData.getPredictions().get(entry.getKey());
      if (predictions == null) {
        continue;
      }
      try (NDArray argMax = predictions.head().argMax(1)) {
        long[] predicted = argMax.toType(DataType.INT64, false).toLongArray();
        float[] truth = entry.getValue().head().toType(DataType.FLOAT32, false).toFloatArray();
        for (int i = 0; i < predicted.length && i < truth.length; i++) {
          int t = (int) truth[i];
          int p = (int) predicted[i];
          if (t >= 0 && t < confusion.length && p >= 0 && p < confusion.length) {
            confusion[t][p]++;
          }
        }
        if (firstBatch && imageGeometry(exampleShape) != null) {
          int n = Math.min(GRID * GRID, predicted.length);
          try (NDArray first = batchData.getBatch().getData().head().get("0:" + n)) {
            sampleData = first.toFloatArray();
          }
          sampleTrue = new int[n];
          samplePredicted = new int[n];
          for (int i = 0; i < n; i++) {
            sampleTrue[i] = (int) truth[i];
            samplePredicted[i] = (int) predicted[i];
          }
        }
        firstBatch = false;
      }
    }
  }

  @Override
  public void onEpoch(Trainer trainer) {
    if (active()
        && !firstBatch) { // an epoch without evaluation (logging.evaluateEveryEpochs) logs none
      if (sampleData != null) {
        logGrid();
      }
      logConfusion();
    }
    epoch++;
    firstBatch = true;
    sampleData = null;
    for (long[] row : confusion) {
      Arrays.fill(row, 0);
    }
  }

  private void logGrid() {
    int[] g = imageGeometry(exampleShape);
    int h = g[0];
    int w = g[1];
    int channels = g[2];
    int n = sampleTrue.length;
    int cols = Math.min(GRID, n);
    int rows = (n + cols - 1) / cols;
    int cellW = w * SCALE + 2 * BORDER;
    int cellH = h * SCALE + 2 * BORDER;
    int width = cols * cellW;
    int height = rows * cellH;
    byte[] rgb = new byte[width * height * 3];
    int per = h * w * channels;
    StringBuilder caption =
        new StringBuilder(
            "true → predicted, left to right, top to bottom (green border: right, red: wrong)\n");
    for (int i = 0; i < n; i++) {
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (int k = 0; k < per; k++) {
        min = Math.min(min, sampleData[i * per + k]);
        max = Math.max(max, sampleData[i * per + k]);
      }
      float range = max > min ? max - min : 1;
      boolean right = sampleTrue[i] == samplePredicted[i];
      int x0 = (i % cols) * cellW;
      int y0 = (i / cols) * cellH;
      for (int y = 0; y < cellH; y++) {
        for (int x = 0; x < cellW; x++) {
          int o = ((y0 + y) * width + x0 + x) * 3;
          int iy = y - BORDER;
          int ix = x - BORDER;
          if (iy < 0 || ix < 0 || iy >= h * SCALE || ix >= w * SCALE) {
            rgb[o] = (byte) (right ? 40 : 220);
            rgb[o + 1] = (byte) (right ? 180 : 50);
            rgb[o + 2] = (byte) (right ? 70 : 50);
            continue;
          }
          for (int c = 0; c < 3; c++) {
            int ch = channels == 1 ? 0 : c;
            float v = sampleData[i * per + ch * h * w + (iy / SCALE) * w + ix / SCALE];
            rgb[o + c] = (byte) Math.round(255 * (v - min) / range);
          }
        }
      }
      caption.append(
          String.format(
              Locale.ROOT,
              "%d. %s → %s%s%n",
              i + 1,
              label(sampleTrue[i]),
              label(samplePredicted[i]),
              right ? "" : "  ✗"));
    }
    logger.logImage(
        SAMPLES_TAG, PngWriter.rgb(width, height, rgb), caption.toString().trim(), epoch);
  }

  private void logConfusion() {
    int k = confusion.length;
    long total = 0;
    for (long[] row : confusion) {
      for (long v : row) {
        total += v;
      }
    }
    if (total == 0) {
      return;
    }
    int cell = Math.max(8, Math.min(32, 320 / k));
    int side = k * cell;
    byte[] rgb = new byte[side * side * 3];
    for (int t = 0; t < k; t++) {
      long rowSum = 0;
      for (long v : confusion[t]) {
        rowSum += v;
      }
      for (int p = 0; p < k; p++) {
        double share = rowSum == 0 ? 0 : (double) confusion[t][p] / rowSum;
        // white -> dark blue by the share of the true class predicted as p
        int r = (int) Math.round(255 - 225 * share);
        int gr = (int) Math.round(255 - 170 * share);
        int b = (int) Math.round(255 - 75 * share);
        for (int y = 0; y < cell; y++) {
          for (int x = 0; x < cell; x++) {
            boolean grid = y == cell - 1 || x == cell - 1;
            int o = ((t * cell + y) * side + p * cell + x) * 3;
            rgb[o] = (byte) (grid ? 200 : r);
            rgb[o + 1] = (byte) (grid ? 200 : gr);
            rgb[o + 2] = (byte) (grid ? 200 : b);
          }
        }
      }
    }
    logger.logImage(
        CONFUSION_TAG,
        PngWriter.rgb(side, side, rgb),
        "rows: true class, columns: predicted class, darker = larger share of the row; classes in order: "
            + String.join(", ", classes),
        epoch);
    logger.logText(CONFUSION_TAG, table(), epoch);
  }

  /** The confusion matrix as an aligned text table, true classes down, predicted across. */
  String table() {
    int k = confusion.length;
    int width = 10;
    for (String c : classes) {
      width = Math.max(width, c.length() + 1);
    }
    StringBuilder sb =
        new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", "true\\pred"));
    for (String c : classes) {
      sb.append(String.format(Locale.ROOT, " %" + width + "s", c));
    }
    sb.append('\n');
    for (int t = 0; t < k; t++) {
      sb.append(String.format(Locale.ROOT, "%-" + width + "s", classes.get(t)));
      for (int p = 0; p < k; p++) {
        sb.append(String.format(Locale.ROOT, " %" + width + "d", confusion[t][p]));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private String label(int index) {
    return index >= 0 && index < classes.size() ? classes.get(index) : Integer.toString(index);
  }
}
