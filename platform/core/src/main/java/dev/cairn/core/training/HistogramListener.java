package dev.cairn.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.util.Pair;

/**
 * Logs a histogram of every parameter's weights ({@code weights/<name>}) and of its gradient
 * from the epoch's last batch ({@code gradients/<name>}) every {@code everyEpochs} epochs, at the
 * epoch's number as step. Runs on the training thread between epochs.
 */
final class HistogramListener extends TrainingListenerAdapter {
  private final RunTracker tracker;
  private final int everyEpochs;
  private int epoch;

  HistogramListener(RunTracker tracker, int everyEpochs) {
    this.tracker = tracker;
    this.everyEpochs = everyEpochs;
  }

  @Override
  public void onEpoch(Trainer trainer) {
    epoch++;
    if (everyEpochs <= 0 || epoch % everyEpochs != 0) {
      return;
    }
    for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
      Parameter param = p.getValue();
      if (!param.isInitialized()) {
        continue;
      }
      NDArray array = param.getArray();
      tracker.logHistogram("weights/" + p.getKey(), array.toFloatArray(), epoch);
      if (array.hasGradient()) {
        try (NDArray gradient = array.getGradient()) {
          tracker.logHistogram("gradients/" + p.getKey(), gradient.toFloatArray(), epoch);
        }
      }
    }
  }
}
