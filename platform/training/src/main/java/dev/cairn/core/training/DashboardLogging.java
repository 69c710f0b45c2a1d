package dev.cairn.core.training;

import ai.djl.nn.Block;
import ai.djl.training.listener.TrainingListener;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.Task;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run logs for the dashboard besides scalars: weight and gradient histograms, sample
 * predictions and the confusion matrix (classification with an evaluation split), and the model
 * graph. Cadences are in epochs; 0 turns a kind off.
 *
 * @param histogramEveryEpochs weight / gradient histograms every N epochs (default 1)
 * @param imagesEveryEpochs sample grid and confusion matrix every N epochs (default 1)
 */
public record DashboardLogging(int histogramEveryEpochs, int imagesEveryEpochs) {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardLogging.class);
  public static final DashboardLogging DEFAULT = new DashboardLogging(1, 1);

  public DashboardLogging {
    if (histogramEveryEpochs < 0 || imagesEveryEpochs < 0) {
      throw new IllegalArgumentException("logging cadences are >= 0 (0 = off)");
    }
  }

  List<TrainingListener> listeners(
      RunMetricLogger logger, DatasetInfo info, boolean hasEvalSplit, int batchesPerEpoch) {
    List<TrainingListener> out = new ArrayList<>();
    if (histogramEveryEpochs > 0) {
      out.add(new HistogramListener(logger, histogramEveryEpochs, batchesPerEpoch));
    }
    if (imagesEveryEpochs > 0 && hasEvalSplit && info.task() == Task.CLASSIFICATION) {
      out.add(
          new SampleImagesListener(
              logger, info.classLabels(), info.inputShape(), imagesEveryEpochs));
    }
    return out;
  }

  /** Logs the graph of an initialized block; a block that cannot describe itself is skipped. */
  static void logGraph(RunMetricLogger logger, Block block) {
    try {
      logger.logGraph(ModelGraph.toJson(block));
    } catch (RuntimeException e) {
      LOG.warn("model graph of run {} not logged: {}", logger.runId(), e.toString());
    }
  }
}
