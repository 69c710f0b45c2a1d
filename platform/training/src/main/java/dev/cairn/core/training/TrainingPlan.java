package dev.cairn.core.training;

import ai.djl.Device;
import dev.cairn.core.Provenance;
import dev.cairn.core.spec.ExperimentSpec;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.spec.TrainingOptions;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.Split;
import dev.cairn.spi.Task;
import java.nio.file.Path;

/**
 * What one training does, fixed before the model is built: the resolved spec, the prepared data,
 * the devices, the batching, the split that is evaluated, and where a resumed run starts. {@link
 * TrainingRunner} builds it in its prepare step and every later step reads it; nothing in it
 * changes while the model trains.
 *
 * @param resolved the spec with its plugins
 * @param runId the run being trained
 * @param env data directory, sink, observer, cancellation
 * @param resume the checkpoint a resumed run continues from, or null
 * @param device where the model trains
 * @param dataDevice where the splits' arrays live
 * @param data the splits after subset, validation split and resize
 * @param sampler the training batches' order
 * @param batchesPerEpoch training batches per epoch
 * @param evalSplit name of the split evaluated each epoch ("validation" or "test"), or null
 * @param evalBatch batch size of evaluations
 */
record TrainingPlan(
    ResolvedSpec resolved,
    String runId,
    TrainingRunner.Environment env,
    Resume resume,
    Device device,
    Device dataDevice,
    DatasetSplits data,
    SeededSampler sampler,
    int batchesPerEpoch,
    String evalSplit,
    int evalBatch) {

  ExperimentSpec spec() {
    return resolved.spec();
  }

  TrainingOptions options() {
    return resolved.spec().training();
  }

  DatasetInfo info() {
    return data.info();
  }

  boolean classification() {
    return data.info().task() == Task.CLASSIFICATION;
  }

  /** The split evaluated each epoch: validation when there is one, else test, else null. */
  Split eval() {
    return data.validation() != null ? data.validation() : data.test();
  }

  /** Epochs a resumed run had done; 0 for a new run. */
  int epochsDone() {
    return resume == null ? 0 : resume.checkpoint().epoch();
  }

  /** Training steps a resumed run had done; 0 for a new run. */
  long stepsDone() {
    return resume == null ? 0 : resume.checkpoint().step();
  }

  Path runDir() {
    return env.runDir(runId);
  }

  /** The model description saved with the weights after {@code epochs} epochs. */
  TrainedModelInfo modelInfo(int epochs) {
    ExperimentSpec spec = spec();
    return TrainedModelInfo.of(
        runId,
        Provenance.sha256(spec.text()),
        spec.model().plugin(),
        spec.dataset().plugin(),
        data.info(),
        epochs,
        spec.seed());
  }
}
