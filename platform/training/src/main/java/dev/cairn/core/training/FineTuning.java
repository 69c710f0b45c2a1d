package dev.cairn.core.training;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.cairn.core.spec.ExperimentSpec;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.core.spec.TrainingOptions;
import dev.cairn.spi.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Set;

/**
 * {@code training.fineTune}: starts a training from another run's weights. Finds the run (by id, or
 * the newest run of that name with saved weights), loads its weights through {@link
 * TrainedRunLoader} into the freshly initialised model, and optionally zeroes a new head and
 * freezes the loaded body. Runs once, after the trainer initialised the block.
 */
final class FineTuning {
  private FineTuning() {}

  /**
   * Loads the source run's weights into {@code inner} (the model plugin's block, inside any
   * normalisation) and records what was loaded as run params.
   */
  static void apply(TrainingPlan plan, Block inner) throws IOException {
    ExperimentSpec spec = plan.spec();
    String runId = plan.runId();
    MetricSink sink = plan.env().sink();
    TrainingOptions.FineTune ft = plan.options().fineTune();
    Path sourceRun = findRun(plan.env().dataDir(), runId, ft.from());
    Path weights = sourceRun.resolve("model");
    if (!Files.isDirectory(weights)) {
      weights =
          Checkpoints.latest(sourceRun)
              .map(Checkpoints.Checkpoint::dir)
              .orElseThrow(
                  () ->
                      new SpecException(
                          "training.fineTune.from",
                          "run '"
                              + ft.from()
                              + "' has no saved model or"
                              + " checkpoint under "
                              + sourceRun));
    }
    ExperimentSpec source =
        SpecParser.parse(SpecFile.read(sourceRun, "run '" + ft.from() + "'"), ft.from());
    sink.acceptParams(
        runId, Map.of("training.fineTune.fromRun", sourceRun.getFileName().toString()));
    if (!source.model().plugin().equals(spec.model().plugin())) {
      throw new SpecException(
          "training.fineTune.from",
          "run '"
              + ft.from()
              + "' trained model '"
              + source.model().plugin()
              + "' but this spec builds '"
              + spec.model().plugin()
              + "'; fine-tuning loads weights into the same architecture");
    }
    TrainedModelInfo sourceInfo =
        TrainedModelInfo.read(weights)
            .orElseThrow(
                () ->
                    new IOException(
                        "run '" + ft.from() + "' has no model description in its saved weights"));
    var provider = plan.resolved().model().provider();
    Block sourceBlock =
        TrainedRunLoader.block(
            source,
            provider,
            TrainedRunLoader.modelParams(source, provider),
            sourceInfo.datasetInfo());
    Set<String> skip = ft.newHead() ? WeightTransfer.head(inner) : Set.of();
    WeightTransfer.Result r =
        TrainedRunLoader.transfer(
            sourceBlock, weights, inner, true, skip, "run '" + ft.from() + "'");
    if (r.loaded().isEmpty()) {
      throw new SpecException(
          "training.fineTune.from",
          "no weights of run '" + ft.from() + "' fit this model (different sizes everywhere?)");
    }
    if (ft.newHead()) {
      // the new head starts at zero, as Big Transfer (BiT) does: the first predictions are uniform
      // (loss ln k) instead of large random logits on top of trained features, which a head with
      // the base rate and a slow body takes many steps to unlearn
      for (Pair<String, Parameter> p : inner.getParameters()) {
        if (skip.contains(p.getKey()) && p.getValue().isInitialized()) {
          WeightTransfer.assign(
              p.getValue().getArray(), new float[Math.toIntExact(p.getValue().getArray().size())]);
        }
      }
    }
    if (ft.freeze()) {
      for (Pair<String, Parameter> p : inner.getParameters()) {
        if (r.loaded().contains(p.getKey())) {
          p.getValue().freeze(true);
        }
      }
    }
    sink.acceptParams(
        runId,
        Map.of(
            "training.fineTune.loadedParameters", Integer.toString(r.loaded().size()),
            "training.fineTune.newParameters", String.join(" ", r.kept())));
  }

  /**
   * The folder of the run {@code from} names: a run id, or else the name of a run (its latest one
   * with saved weights), so that one spec can fine-tune from another spec's run.
   */
  private static Path findRun(Path dataDir, String runId, String from) throws IOException {
    Path byId = TrainingRunner.Environment.runDir(dataDir, from);
    if (Files.isDirectory(byId)) {
      return byId;
    }
    Path runs = dataDir.resolve("runs");
    Path best = null;
    FileTime newest = null;
    if (Files.isDirectory(runs)) {
      try (var dirs = Files.list(runs)) {
        for (Path dir : dirs.toList()) {
          Path specFile = dir.resolve(SpecFile.NAME);
          boolean hasWeights =
              Files.isDirectory(dir.resolve("model")) || Checkpoints.latest(dir).isPresent();
          if (!Files.isRegularFile(specFile)
              || !hasWeights
              || dir.getFileName().toString().equals(runId)) {
            continue;
          }
          String name;
          try {
            name =
                SpecParser.parse(Files.readString(specFile), dir.getFileName().toString()).name();
          } catch (RuntimeException e) {
            continue;
          }
          var time = Files.getLastModifiedTime(specFile);
          if (name.equals(from) && (newest == null || time.compareTo(newest) > 0)) {
            best = dir;
            newest = time;
          }
        }
      }
    }
    if (best == null) {
      throw new SpecException(
          "training.fineTune.from",
          "no run with id or name '"
              + from
              + "' has saved"
              + " weights in "
              + runs
              + "; train it first (`cairn runs` lists runs)");
    }
    return best;
  }
}
