package dev.cairn.core.training;

import ai.djl.Model;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Saves a {@link Checkpoints checkpoint} of the model after every {@code every}-th epoch and after
 * the last one, keeping the newest {@code keep}. Added after the {@link MetricsListener}, whose
 * epoch summary says which epoch and step just ended.
 */
final class CheckpointListener extends TrainingListenerAdapter {
  private final Model model;
  private final Path runDir;
  private final int every;
  private final int keep;
  private final String specText;
  private final Supplier<EpochSummary> lastEpoch;
  private final IntFunction<TrainedModelInfo> modelInfo;

  /**
   * @param model the model being trained
   * @param runDir the run's folder (checkpoints go under it)
   * @param every save after every this many epochs (and after the last)
   * @param keep how many checkpoints to keep
   * @param specText the run's spec, saved with each checkpoint
   * @param lastEpoch the summary of the epoch that just ended
   * @param modelInfo the model description after a number of epochs
   */
  CheckpointListener(
      Model model,
      Path runDir,
      int every,
      int keep,
      String specText,
      Supplier<EpochSummary> lastEpoch,
      IntFunction<TrainedModelInfo> modelInfo) {
    this.model = model;
    this.runDir = runDir;
    this.every = every;
    this.keep = keep;
    this.specText = specText;
    this.lastEpoch = lastEpoch;
    this.modelInfo = modelInfo;
  }

  @Override
  public void onEpoch(Trainer trainer) {
    EpochSummary s = lastEpoch.get();
    if (s.epoch() % every != 0 && s.epoch() != s.epochs()) {
      return;
    }
    try {
      Checkpoints.save(
          model, runDir, s.epoch(), s.step(), modelInfo.apply(s.epoch()), specText, keep);
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint after epoch " + s.epoch() + " failed", e);
    }
  }
}
