package dev.cairn.core.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.util.Pair;
import dev.cairn.core.tracking.media.Histogram;
import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every {@code everyEpochs} epochs, logs a histogram of every parameter's weights ({@code
 * weights/<name>}, at the epoch's end) and of its gradient from the epoch's last training batch
 * ({@code gradients/<name>}), at the epoch's number as step. Gradients are read right after that
 * batch's backward pass, from the trainer's parameter copies (the model's own arrays carry none).
 */
final class HistogramListener extends TrainingListenerAdapter {
  private final RunMetricLogger logger;
  private final int everyEpochs;
  private final int batchesPerEpoch;
  private final Map<String, Histogram> gradients = new LinkedHashMap<>();
  private int epoch = 1;
  private int batch;

  HistogramListener(RunMetricLogger logger, int everyEpochs, int batchesPerEpoch) {
    this.logger = logger;
    this.everyEpochs = everyEpochs;
    this.batchesPerEpoch = batchesPerEpoch;
  }

  private boolean active() {
    return everyEpochs > 0 && epoch % everyEpochs == 0;
  }

  @Override
  public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    batch++;
    if (!active() || batch != batchesPerEpoch) {
      return;
    }
    gradients.clear();
    ParameterStore store = parameterStore(trainer);
    if (store == null) {
      return;
    }
    Device device = trainer.getDevices()[0];
    for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
      if (!p.getValue().isInitialized()) {
        continue;
      }
      // the trainer computes on its own copy of each parameter: the gradient is on that copy
      NDArray array = store.getValue(p.getValue(), device, true);
      if (array != null && array.hasGradient()) {
        try (NDArray gradient = array.getGradient()) {
          gradients.put(
              p.getKey(), Histogram.of(gradient.toFloatArray(), Histogram.DEFAULT_BUCKETS));
        }
      }
    }
  }

  /**
   * The trainer's parameter store. DJL keeps it private; without it (another DJL version) the
   * gradient histograms are left out and the weights are still logged.
   */
  private static ParameterStore parameterStore(Trainer trainer) {
    try {
      Field field = Trainer.class.getDeclaredField("parameterStore");
      field.setAccessible(true);
      return (ParameterStore) field.get(trainer);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public void onEpoch(Trainer trainer) {
    if (active()) {
      for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
        if (p.getValue().isInitialized()) {
          logger.logHistogram(
              "weights/" + p.getKey(), p.getValue().getArray().toFloatArray(), epoch);
        }
      }
      gradients.forEach((name, h) -> logger.logHistogram("gradients/" + name, h, epoch));
    }
    gradients.clear();
    epoch++;
    batch = 0;
  }
}
