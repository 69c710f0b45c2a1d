package dev.cairn.core.training;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.cairn.core.Provenance;
import dev.cairn.core.spec.DataOptions;
import dev.cairn.core.spec.ExperimentSpec;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.core.spec.TrainingOptions;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.OptimizerContext;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Split;
import dev.cairn.spi.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The course's dataset-wide and training options around {@link TrainingRunner}'s loop: data
 * preparation (subset, validation split / k-fold, resize), normalisation inside the model,
 * augmented and mixup batches, gradient accumulation, fine-tuning from another run (weights, new
 * head, frozen body, body learning-rate factor), checkpoints and resuming, early stopping, top-k
 * and per-class accuracy. One instance per training; the runner calls it at fixed points, and a
 * spec without options passes through unchanged.
 */
final class TrainingExtras {
  private final ResolvedSpec resolved;
  private final ExperimentSpec spec;
  private final DataOptions data;
  private final TrainingOptions options;
  private final String runId;
  private final TrainingRunner.Environment env;
  private final Resume resume;
  private DatasetInfo info;
  private Split trainSplit;
  private Block inner;
  private NormalizeBlock normalized;
  private Map<String, Float> rateFactors = Map.of();
  private EarlyStoppingListener earlyStopping;
  private ClassMetricsListener classMetrics;
  private TrackingListener tracking;
  private int lastEpoch;
  private boolean restored;

  TrainingExtras(
      ResolvedSpec resolved, String runId, TrainingRunner.Environment env, Resume resume) {
    this.resolved = resolved;
    this.spec = resolved.spec();
    this.data = spec.data();
    this.options = spec.training();
    this.runId = runId;
    this.env = env;
    this.resume = resume;
  }

  /** Applies subset, split and resize; remembers the spec next to the run's weights. */
  DatasetSplits prepare(DatasetSplits loaded) throws IOException {
    DatasetSplits prepared = DataPreparation.prepare(loaded, data, spec.seed());
    info = prepared.info();
    trainSplit = prepared.train();
    if ((data.mixup() > 0 || options.topK() > 0 || options.perClassAccuracy())
        && info.task() != Task.CLASSIFICATION) {
      throw new SpecException(
          data.mixup() > 0 ? "dataset.mixup" : "training.topK",
          "needs a classification dataset; '" + spec.dataset().plugin() + "' is regression");
    }
    if (options.topK() > info.numClasses() && options.topK() > 0) {
      throw new SpecException(
          "training.topK",
          options.topK() + " is not allowed; the dataset has " + info.numClasses() + " classes");
    }
    SpecFile.write(env.runDir(runId), spec.text());
    return prepared;
  }

  /** The model block, with normalisation in front when asked for. */
  Block wrap(Block block) {
    inner = block;
    if (!data.normalize()) {
      return block;
    }
    normalized = NormalizeBlock.wrap(block, info.inputShape());
    return normalized;
  }

  /** What the optimizer plugin is told: updates per epoch and where a resumed run starts. */
  OptimizerContext optimizerContext(int batchesPerEpoch) {
    int k = options.accumulate();
    int updates = Math.max(1, (batchesPerEpoch + k - 1) / k);
    long start = resume == null ? 0 : resume.checkpoint().step() / k;
    return new OptimizerContext(updates, spec.epochs(), Math.toIntExact(start));
  }

  /** The plugin's optimizer with accumulation and per-layer rates around it. */
  Optimizer optimizer(Optimizer optimizer) {
    Optimizer out = optimizer;
    if (options.fineTune() != null
        && options.fineTune().bodyLr() != 1
        && !options.fineTune().freeze()) {
      Set<String> head = WeightTransfer.head(inner);
      Map<String, Float> factors = new HashMap<>();
      for (Pair<String, Parameter> p : inner.getParameters()) {
        if (!head.contains(p.getKey())) {
          factors.put(p.getValue().getId(), (float) options.fineTune().bodyLr());
        }
      }
      rateFactors = factors;
      out = new LayerRateOptimizer(out, factors);
    }
    if (options.accumulate() > 1) {
      out = new AccumulatingOptimizer(out, options.accumulate());
    }
    return out;
  }

  /** The rate logged for training batch {@code n}: that of the update the batch contributes to. */
  Tracker loggedRate(Tracker rate) {
    int k = options.accumulate();
    return k == 1 ? rate : n -> rate.getNewValue((n + k - 1) / k);
  }

  Loss loss(Loss loss) {
    return data.mixup() > 0 ? new MixupLoss(loss) : loss;
  }

  /** The training batches: Cairn's own when they change per batch, else the runner's arrays. */
  Dataset trainSet(EpochBatches plain) {
    int done = resume == null ? 0 : resume.checkpoint().epoch();
    if (data.cropPadding() > 0 || data.flip() || data.mixup() > 0) {
      BatchSource source =
          new BatchSource(
              trainSplit,
              info.task() == Task.CLASSIFICATION,
              info.outputSize(),
              spec.loader().batchSize(),
              spec.loader().shuffle(),
              spec.loader().dropLast(),
              spec.seed(),
              data);
      source.startAtEpoch(done);
      return source;
    }
    plain.skipEpochs(done); // advance the shuffles to where the run was
    return plain;
  }

  /** Continues the tracking listener's counts after a checkpoint. */
  void track(TrackingListener listener, String evalSplit) {
    this.tracking = listener;
    if (resume != null) {
      listener.startAt(resume.checkpoint().epoch(), resume.checkpoint().step());
    }
    if (options.earlyStopping() != null) {
      String monitor = options.earlyStopping().monitor();
      String split = monitor.substring(0, monitor.indexOf('_'));
      if (!split.equals("train") && spec.logging().evaluateEveryEpochs() > 1) {
        throw new SpecException(
            "logging.evaluateEveryEpochs",
            spec.logging().evaluateEveryEpochs()
                + " is not"
                + " allowed with training.earlyStopping.monitor '"
                + monitor
                + "', which needs an evaluation"
                + " every epoch; use 1 or monitor train_*");
      }
      if (!split.equals("train") && !split.equals(evalSplit)) {
        throw new SpecException(
            "training.earlyStopping.monitor",
            "'"
                + monitor
                + "' is not tracked:"
                + " this run evaluates "
                + (evalSplit == null ? "no split" : "the " + evalSplit + " split")
                + "; monitor train_* or "
                + (evalSplit == null ? "add dataset.validation" : evalSplit + "_*"));
      }
    }
  }

  /** Listeners to add after the runner's own (they read the epoch summary it makes). */
  List<TrainingListener> listeners(Model model, Block block, String evalSplit) {
    List<TrainingListener> out = new ArrayList<>();
    int done = resume == null ? 0 : resume.checkpoint().epoch();
    if ((options.topK() > 0 || options.perClassAccuracy()) && evalSplit != null) {
      classMetrics =
          new ClassMetricsListener(
              runId,
              env.sink(),
              evalSplit,
              options.topK(),
              info.classLabels(),
              options.perClassAccuracy(),
              done);
      out.add(classMetrics);
    }
    if (options.checkpointEvery() > 0) {
      out.add(
          new CheckpointListener(
              model,
              env.runDir(runId),
              options.checkpointEvery(),
              options.keepCheckpoints(),
              spec.text(),
              () -> tracking.lastEpoch(),
              this::modelInfo));
    }
    if (options.earlyStopping() != null) {
      earlyStopping =
          new EarlyStoppingListener(options.earlyStopping(), () -> tracking.lastEpoch(), block);
      out.add(earlyStopping);
    }
    return out;
  }

  TrainedModelInfo modelInfo(int epochs) {
    return TrainedModelInfo.of(
        runId,
        Provenance.sha256(spec.text()),
        spec.model().plugin(),
        spec.dataset().plugin(),
        info,
        epochs,
        spec.seed());
  }

  /** After the trainer initialised the block: statistics, loaded weights, frozen layers. */
  void afterInitialize(Block block, Trainer trainer) throws IOException {
    skipGradientCheck(trainer);
    if (normalized != null) {
      Normalization stats = Normalization.of(trainSplit.features());
      normalized.setStatistics(stats.mean(), stats.std());
      env.sink()
          .acceptParams(
              runId,
              Map.of(
                  "dataset.normalize.mean", java.util.Arrays.toString(stats.mean()),
                  "dataset.normalize.std", java.util.Arrays.toString(stats.std())));
    }
    if (resume != null) {
      Block fresh =
          TrainedRunLoader.block(
              spec, resolved.model().provider(), resolved.model().params(), info);
      WeightTransfer.Result r =
          TrainedRunLoader.transfer(
              fresh,
              resume.checkpoint().dir(),
              block,
              false,
              Set.of(),
              "checkpoint " + resume.checkpoint().dir());
      if (!r.kept().isEmpty()) {
        throw new IOException(
            "checkpoint "
                + resume.checkpoint().dir()
                + " does not fit this model:"
                + " no saved values for "
                + r.kept());
      }
    } else if (options.fineTune() != null) {
      fineTune();
    }
  }

  /**
   * Turns off DJL's first-step check that "gradient values are all zeros": it sums the gradients
   * with their signs, and for a linear layer with two outputs (a perceptron, logistic regression on
   * two classes) the two rows' gradients cancel exactly, so correct training was refused. The loop
   * always calls backward, which is all the check is meant to catch.
   */
  private static void skipGradientCheck(Trainer trainer) {
    try {
      java.lang.reflect.Field checked = Trainer.class.getDeclaredField("gradientsChecked");
      checked.setAccessible(true);
      checked.setBoolean(trainer, true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // a DJL without the field has no such check either
    }
  }

  private void fineTune() throws IOException {
    TrainingOptions.FineTune ft = options.fineTune();
    Path sourceRun = findRun(ft.from());
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
    env.sink()
        .acceptParams(
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
    var provider = resolved.model().provider();
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
    env.sink()
        .acceptParams(
            runId,
            Map.of(
                "training.fineTune.loadedParameters", Integer.toString(r.loaded().size()),
                "training.fineTune.newParameters", String.join(" ", r.kept())));
  }

  /**
   * The folder of the run {@code from} names: a run id, or else the name of a run (its latest one
   * with saved weights), so that one spec can fine-tune from another spec's run.
   */
  private Path findRun(String from) throws IOException {
    Path byId = TrainingRunner.Environment.runDir(env.dataDir(), from);
    if (Files.isDirectory(byId)) {
      return byId;
    }
    Path runs = env.dataDir().resolve("runs");
    Path best = null;
    java.nio.file.attribute.FileTime newest = null;
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

  /** Epochs left to train. */
  int epochsToRun() {
    return spec.epochs() - (resume == null ? 0 : resume.checkpoint().epoch());
  }

  /** Runs the loop; an early stop ends it quietly. */
  void fit(FitLoop loop) throws IOException, ai.djl.translate.TranslateException {
    try {
      loop.run();
    } catch (EarlyStoppingListener.Stop stop) {
      env.sink()
          .acceptParams(
              runId,
              Map.of(
                  "training.earlyStopping.stoppedEpoch",
                      Integer.toString(earlyStopping.stoppedEpoch()),
                  "training.earlyStopping.reason", stop.getMessage()));
    }
    EpochSummary last = tracking.lastEpoch();
    lastEpoch = last == null ? 0 : last.epoch();
    if (earlyStopping != null && earlyStopping.restoreBest(lastEpoch)) {
      restored = true;
      env.sink()
          .acceptParams(
              runId,
              Map.of(
                  "training.earlyStopping.restoredEpoch",
                  Integer.toString(earlyStopping.bestEpoch())));
    }
  }

  /** The training loop the runner runs. */
  interface FitLoop {
    void run() throws IOException, ai.djl.translate.TranslateException;
  }

  /** True when early stopping put an earlier epoch's weights back at the end. */
  boolean restoredBest() {
    return restored;
  }

  /** Epochs actually trained (fewer than planned after an early stop). */
  int epochsTrained() {
    return lastEpoch;
  }

  /** Final metrics the options add. */
  Map<String, Double> finalMetrics() {
    Map<String, Double> out = new LinkedHashMap<>();
    if (classMetrics != null) {
      out.putAll(classMetrics.lastValues());
    }
    if (earlyStopping != null) {
      out.put("early_stopping/best_epoch", (double) earlyStopping.bestEpoch());
      out.put("early_stopping/best_" + options.earlyStopping().monitor(), earlyStopping.best());
      out.put("early_stopping/stopped_epoch", (double) earlyStopping.stoppedEpoch());
    }
    return out;
  }

  Map<String, Float> rateFactors() {
    return rateFactors;
  }
}
