package dev.cairn.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.tracker.Tracker;
import dev.cairn.core.tracking.ScalarPoint;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Turns DJL training events into tracked scalars: per-step training loss and learning rate (every
 * {@code logEvery} steps), and per epoch the train / evaluation loss and accuracy, samples per
 * second and wall time. It reuses the loss DJL's training step already computed (through {@link
 * CapturingLoss}) and keeps epoch sums on the device, so tracking adds a handful of small array
 * operations per batch and reads the device only at logged steps and at the end of an epoch.
 */
final class MetricsListener extends TrainingListenerAdapter {
  static final String TRAIN_LOSS = "train/loss";
  static final String LEARNING_RATE = "train/lr";

  private final String runId;
  private final MetricSink sink;
  private final ProgressObserver observer;
  private final CapturingLoss loss;
  private final Tracker learningRate;
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
  private long trainEndNanos = -1;
  private double lastLoss = Double.NaN;
  private EpochSummary lastEpoch;
  private SplitMetrics train;
  private SplitMetrics eval;

  MetricsListener(
      String runId,
      MetricSink sink,
      ProgressObserver observer,
      CapturingLoss loss,
      Tracker learningRate,
      int logEvery,
      int epochs,
      int batchesPerEpoch,
      String evalSplit,
      boolean classification,
      BooleanSupplier cancelled) {
    this.runId = runId;
    this.sink = sink;
    this.observer = observer;
    this.loss = loss;
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
    train = new SplitMetrics(trainer.getManager(), classification);
    eval = new SplitMetrics(trainer.getManager(), classification);
    epochStartNanos = System.nanoTime();
  }

  @Override
  public void onTrainingEnd(Trainer trainer) {
    train.close();
    eval.close();
  }

  @Override
  public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    if (cancelled.getAsBoolean()) {
      throw new CancellationException("run " + runId + " was stopped");
    }
    step++;
    batchInEpoch++;
    long size = batchData.getBatch().getSize();
    samplesInEpoch += size;
    NDArray meanLoss = loss.takeLast();
    if (meanLoss == null) {
      meanLoss = evaluate(trainer, batchData);
    }
    add(train, meanLoss, batchData, size);
    lastTrainBatchNanos = System.nanoTime();
    if (step == 1 || step % logEvery == 0) {
      long now = System.currentTimeMillis();
      lastLoss = meanLoss.stopGradient().getFloat();
      if (!Double.isFinite(lastLoss)) {
        throw new TrainingDivergedException(step, lastLoss);
      }
      emit(TRAIN_LOSS, step, now, lastLoss);
      // DJL's optimizers ask their tracker for update number n from 1 (Optimizer.updateCount):
      // this batch's update is number `step`
      emit(LEARNING_RATE, step, now, learningRate.getNewValue(Math.toIntExact(step)));
    }
    observer.onBatch(epoch, batchInEpoch, batchesPerEpoch, lastLoss);
  }

  @Override
  public void onValidationBatch(Trainer trainer, BatchData batchData) {
    add(eval, evaluate(trainer, batchData), batchData, batchData.getBatch().getSize());
  }

  /** The batch's mean loss computed from its predictions (single device). */
  private static NDArray evaluate(Trainer trainer, BatchData batchData) {
    var device = batchData.getLabels().keySet().iterator().next();
    return trainer
        .getLoss()
        .evaluate(batchData.getLabels().get(device), batchData.getPredictions().get(device));
  }

  private static void add(SplitMetrics metrics, NDArray meanLoss, BatchData batchData, long size) {
    var device = batchData.getLabels().keySet().iterator().next();
    NDList labels = batchData.getLabels().get(device);
    NDList predictions = batchData.getPredictions().get(device);
    metrics.add(meanLoss, labels, predictions, size);
  }

  @Override
  public void onEpoch(Trainer trainer) {
    long end = System.nanoTime();
    long now = System.currentTimeMillis();
    double trainLoss = train.meanLoss();
    double trainAcc = train.accuracy();
    double evalLoss = evalSplit == null ? Double.NaN : eval.meanLoss();
    double evalAcc = evalSplit == null ? Double.NaN : eval.accuracy();
    train.reset();
    eval.reset();
    if (!Double.isFinite(trainLoss)) {
      throw new TrainingDivergedException(step, trainLoss);
    }
    long trainEnd = trainEndNanos >= 0 ? trainEndNanos : lastTrainBatchNanos;
    double trainSeconds = Math.max(1e-9, (trainEnd - epochStartNanos) / 1e9);
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

    lastEpoch =
        new EpochSummary(
            epoch,
            epochs,
            step,
            trainLoss,
            trainAcc,
            evalSplit,
            evalLoss,
            evalAcc,
            samplesPerSecond,
            trainSeconds,
            seconds);
    observer.onEpoch(lastEpoch);
    epoch++;
    batchInEpoch = 0;
    samplesInEpoch = 0;
    trainEndNanos = -1;
    epochStartNanos = System.nanoTime();
  }

  /** The loop starts an epoch's training batches now. */
  void epochStarted() {
    epochStartNanos = System.nanoTime();
    trainEndNanos = -1;
  }

  /** The loop finished the epoch's training batches (updates included); evaluation follows. */
  void trainingEnded() {
    trainEndNanos = System.nanoTime();
  }

  private void emit(String tag, long at, long wallMillis, double value) {
    if (!Double.isNaN(value)) {
      sink.accept(new ScalarPoint(runId, tag, at, wallMillis, value));
    }
  }

  long steps() {
    return step;
  }

  /** The last logged batch loss: the last point of the train/loss series (NaN before the first). */
  double lastLoss() {
    return lastLoss;
  }

  /**
   * Continues a resumed run: {@code epochsDone} epochs and {@code stepsDone} steps are behind it.
   */
  void startAt(int epochsDone, long stepsDone) {
    epoch = epochsDone + 1;
    step = stepsDone;
  }

  EpochSummary lastEpoch() {
    return lastEpoch;
  }
}
