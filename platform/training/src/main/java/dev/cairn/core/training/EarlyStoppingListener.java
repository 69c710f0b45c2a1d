package dev.cairn.core.training;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.util.Pair;
import dev.cairn.core.spec.TrainingOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Early stopping: after each epoch, reads the monitored series from the epoch's summary; when it
 * has not improved by more than {@code minDelta} for {@code patience} epochs, training stops
 * (through {@link Stop}, which the runner catches). With {@code restoreBest} it keeps a copy of the
 * best epoch's weights and puts them back at the end. Must run after the metrics listener.
 */
final class EarlyStoppingListener extends TrainingListenerAdapter {
  /** Thrown out of the training loop to stop it; not an error. */
  static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stop(String message) {
      super(message, null, false, false);
    }
  }

  private final TrainingOptions.EarlyStopping options;
  private final Supplier<EpochSummary> summary;
  private final Block block;
  private double best = Double.NaN;
  private int bestEpoch;
  private int stoppedEpoch;
  private int wait;
  private Map<String, float[]> bestWeights;

  EarlyStoppingListener(
      TrainingOptions.EarlyStopping options, Supplier<EpochSummary> summary, Block block) {
    this.options = options;
    this.summary = summary;
    this.block = block;
  }

  /** The monitored value of an epoch; NaN when the run does not track it. */
  static double value(String monitor, EpochSummary s) {
    String split = monitor.substring(0, monitor.indexOf('_'));
    boolean loss = monitor.endsWith("_loss");
    if (split.equals("train")) {
      return loss ? s.trainLoss() : s.trainAccuracy();
    }
    if (split.equals(s.evalSplit())) {
      return loss ? s.evalLoss() : s.evalAccuracy();
    }
    return Double.NaN;
  }

  @Override
  public void onEpoch(Trainer trainer) {
    EpochSummary s = summary.get();
    double v = value(options.monitor(), s);
    boolean better =
        Double.isNaN(best)
            || (options.higherIsBetter()
                ? v > best + options.minDelta()
                : v < best - options.minDelta());
    if (better) {
      best = v;
      bestEpoch = s.epoch();
      wait = 0;
      if (options.restoreBest()) {
        bestWeights = snapshot();
      }
      return;
    }
    wait++;
    if (wait >= options.patience() && s.epoch() < s.epochs()) {
      stoppedEpoch = s.epoch();
      throw new Stop("no improvement of " + options.monitor() + " for " + wait + " epochs");
    }
  }

  private Map<String, float[]> snapshot() {
    Map<String, float[]> copy = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      copy.put(p.getKey(), p.getValue().getArray().toFloatArray());
    }
    return copy;
  }

  /** Puts the best epoch's weights back (with restoreBest); true when it changed anything. */
  boolean restoreBest(int lastEpoch) {
    if (bestWeights == null || bestEpoch == lastEpoch) {
      return false;
    }
    for (Pair<String, Parameter> p : block.getParameters()) {
      float[] values = bestWeights.get(p.getKey());
      if (values != null) {
        WeightTransfer.assign(p.getValue().getArray(), values);
      }
    }
    return true;
  }

  int bestEpoch() {
    return bestEpoch;
  }

  double best() {
    return best;
  }

  /** The epoch training stopped after, 0 when it ran to the end. */
  int stoppedEpoch() {
    return stoppedEpoch;
  }
}
