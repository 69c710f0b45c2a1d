package dev.cairn.core.training;

import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import java.io.IOException;

/**
 * DJL's {@code EasyTrain.fit} with two changes: the evaluation split is evaluated every {@code
 * evaluateEvery} epochs and after the last one only, and the metrics listener learns when an
 * epoch's training starts and ends, so that evaluation and the other listeners' end-of-epoch work
 * (histograms, images, checkpoints) are not counted as training time. Each batch is trained and
 * stepped exactly as {@code EasyTrain} does, and the listeners see the same events in the same
 * order.
 */
final class EpochLoop {
  private EpochLoop() {}

  static void fit(
      Trainer trainer,
      int firstEpoch,
      int lastEpoch,
      Dataset train,
      Dataset eval,
      int evaluateEvery,
      MetricsListener metricsListener)
      throws IOException, TranslateException {
    // autograd only inside DJL's gradient collector: libtorch's grad mode is per thread and on by
    // default, so without this a worker thread's metrics and evaluation would record graphs
    JniUtils.setGradMode(false);
    for (int epoch = firstEpoch; epoch <= lastEpoch; epoch++) {
      metricsListener.epochStarted();
      for (Batch batch : trainer.iterateDataset(train)) {
        try (batch) {
          EasyTrain.trainBatch(trainer, batch);
          trainer.step();
        }
      }
      metricsListener.trainingEnded();
      if (eval != null && (epoch % evaluateEvery == 0 || epoch == lastEpoch)) {
        EasyTrain.evaluateDataset(trainer, eval);
      }
      trainer.notifyListeners(listener -> listener.onEpoch(trainer));
    }
  }
}
