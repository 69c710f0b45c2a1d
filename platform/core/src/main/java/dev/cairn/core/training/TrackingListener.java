package dev.cairn.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.Trainer;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.cairn.core.tracking.ScalarPoint;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Turns DJL training events into tracked scalars: per-step training loss and learning rate (every
 * {@code logEvery} steps), and per epoch the train / evaluation loss and accuracy, samples per
 * second and wall time. Reads epoch metrics from DJL's {@link EvaluatorTrainingListener}, so it
 * must be registered after it.
 */
final class TrackingListener extends TrainingListenerAdapter {
  static final String TRAIN_LOSS = "train/loss";
  static final String LEARNING_RATE = "train/lr";

  private final String runId;
  private final MetricSink sink;
  private final TrainingObserver observer;
  private final EvaluatorTrainingListener evaluator;
  private final ai.djl.training.tracker.Tracker learningRate;
  private final int logEvery;
  private final int epochs;
  private final int batchesPerEpoch;
  private final String evalSplit;
  private final boolean classification;
  private final BooleanSupplier cancelled;

  private long step;
  private int epoch = 1;
  private int batchInEpoch;
  private long samplesInEpoch;
  private long epochStartNanos;
  private long lastTrainBatchNanos;
  private double lastLoss = Double.NaN;
  private EpochSummary lastEpoch;

  TrackingListener(String runId, MetricSink sink, TrainingObserver observer,
      EvaluatorTrainingListener evaluator, ai.djl.training.tracker.Tracker learningRate,
      int logEvery, int epochs, int batchesPerEpoch, String evalSplit, boolean classification,
      BooleanSupplier cancelled) {
    this.runId = runId;
    this.sink = sink;
    this.observer = observer;
    this.evaluator = evaluator;
    this.learningRate = learningRate;
    this.logEvery = logEvery;
    this.epochs = epochs;
    this.batchesPerEpoch = batchesPerEpoch;
    this.evalSplit = evalSplit;
    this.classification = classification;
    this.cancelled = cancelled;
  }

  @Override
  public void onTrainingBegin(Trainer trainer) {
    epochStartNanos = System.nanoTime();
  }

  @Override
  public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    if (cancelled.getAsBoolean()) {
      throw new CancellationException("run " + runId + " was stopped");
    }
    step++;
    batchInEpoch++;
    samplesInEpoch += batchData.getBatch().getSize();
    lastTrainBatchNanos = System.nanoTime();
    if (step == 1 || step % logEvery == 0) {
      long now = System.currentTimeMillis();
      lastLoss = batchLoss(trainer, batchData);
      emit(TRAIN_LOSS, step, now, lastLoss);
      // the update for this batch is number `step - 1` (DJL counts updates from 0)
      emit(LEARNING_RATE, step, now, learningRate.getNewValue(Math.toIntExact(step - 1)));
    }
    observer.onBatch(epoch, batchInEpoch, batchesPerEpoch, lastLoss);
  }

  private static double batchLoss(Trainer trainer, BatchData batchData) {
    double sum = 0;
    int parts = 0;
    for (var entry : batchData.getLabels().entrySet()) {
      NDList labels = entry.getValue();
      NDList predictions = batchData.getPredictions().get(entry.getKey());
      try (NDArray loss = trainer.getLoss().evaluate(labels, predictions)) {
        sum += loss.getFloat();
        parts++;
      }
    }
    return parts == 0 ? Double.NaN : sum / parts;
  }

  @Override
  public void onEpoch(Trainer trainer) {
    long end = System.nanoTime();
    long now = System.currentTimeMillis();
    Map<String, Float> evals = evaluator.getLatestEvaluations();
    double trainLoss = value(evals, "train_loss");
    double trainAcc = classification ? value(evals, "train_Accuracy") : Double.NaN;
    double evalLoss = evalSplit == null ? Double.NaN : value(evals, "validate_loss");
    double evalAcc = evalSplit == null || !classification ? Double.NaN : value(evals, "validate_Accuracy");
    double trainSeconds = Math.max(1e-9, (lastTrainBatchNanos - epochStartNanos) / 1e9);
    double seconds = (end - epochStartNanos) / 1e9;
    double samplesPerSecond = samplesInEpoch / trainSeconds;

    emit("epoch/train_loss", epoch, now, trainLoss);
    emit("epoch/train_accuracy", epoch, now, trainAcc);
    if (evalSplit != null) {
      emit("epoch/" + evalSplit + "_loss", epoch, now, evalLoss);
      emit("epoch/" + evalSplit + "_accuracy", epoch, now, evalAcc);
    }
    emit("epoch/samples_per_sec", epoch, now, samplesPerSecond);
    emit("epoch/time_s", epoch, now, seconds);
    sink.flush();

    lastEpoch = new EpochSummary(epoch, epochs, step, trainLoss, trainAcc, evalSplit, evalLoss,
        evalAcc, samplesPerSecond, trainSeconds, seconds);
    observer.onEpoch(lastEpoch);
    epoch++;
    batchInEpoch = 0;
    samplesInEpoch = 0;
    epochStartNanos = System.nanoTime();
  }

  private void emit(String tag, long at, long wallMillis, double value) {
    if (!Double.isNaN(value)) {
      sink.accept(new ScalarPoint(runId, tag, at, wallMillis, value));
    }
  }

  private static double value(Map<String, Float> evals, String key) {
    Float v = evals.get(key);
    return v == null ? Double.NaN : v;
  }

  long steps() {
    return step;
  }

  EpochSummary lastEpoch() {
    return lastEpoch;
  }
}
