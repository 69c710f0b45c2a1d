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
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;
import dev.cairn.core.spec.DataOptions;
import dev.cairn.core.spec.ExperimentSpec;
import dev.cairn.core.spec.TrainingOptions;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.OptimizerContext;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Task;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The course's dataset-wide and training options around {@link TrainingRunner}'s loop: data
 * preparation (subset, validation split / k-fold, resize), normalisation inside the model,
 * augmented and mixup batches, gradient accumulation, per-layer rates for fine-tuning, checkpoints,
 * resuming, early stopping, top-k and per-class accuracy. Stateless: each function reads the {@link
 * TrainingPlan}, and what it makes (listeners, the fit's outcome) is returned; a spec without
 * options passes through unchanged.
 */
final class TrainingExtras {
  private TrainingExtras() {}

  /**
   * The listeners the options add, after the runner's own (they read the epoch summary it makes).
   *
   * @param all every listener, in the order they are added
   * @param classMetrics top-k / per-class accuracy, or null
   * @param earlyStopping early stopping, or null
   */
  record Listeners(
      List<TrainingListener> all,
      ClassMetricsListener classMetrics,
      EarlyStoppingListener earlyStopping) {}

  /**
   * How the fit ended.
   *
   * @param epochsTrained the last epoch trained (fewer than planned after an early stop)
   * @param restoredBest early stopping put an earlier epoch's weights back at the end
   */
  record Fitted(int epochsTrained, boolean restoredBest) {}

  /** Applies subset, split and resize; remembers the spec next to the run's weights. */
  static DatasetSplits prepare(DatasetSplits loaded, ExperimentSpec spec, Path runDir)
      throws IOException {
    DataOptions data = spec.data();
    TrainingOptions options = spec.training();
    DatasetSplits prepared = DataPreparation.prepare(loaded, data, spec.seed());
    DatasetInfo info = prepared.info();
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
    SpecFile.write(runDir, spec.text());
    return prepared;
  }

  /** What the optimizer plugin is told: updates per epoch and where a resumed run starts. */
  static OptimizerContext optimizerContext(TrainingPlan plan) {
    int k = plan.options().accumulate();
    int updates = Math.max(1, (plan.batchesPerEpoch() + k - 1) / k);
    long start = plan.stepsDone() / k;
    return new OptimizerContext(updates, plan.spec().epochs(), Math.toIntExact(start));
  }

  /**
   * The plugin's optimizer with accumulation and per-layer rates around it; {@code inner} is the
   * model plugin's block (inside any normalisation).
   */
  static Optimizer optimizer(TrainingPlan plan, Block inner, Optimizer optimizer) {
    TrainingOptions options = plan.options();
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
      out = new LayerRateOptimizer(out, factors);
    }
    if (options.accumulate() > 1) {
      out = new AccumulatingOptimizer(out, options.accumulate());
    }
    return out;
  }

  /** The rate logged for training batch {@code n}: that of the update the batch contributes to. */
  static Tracker loggedRate(TrainingPlan plan, Tracker rate) {
    int k = plan.options().accumulate();
    return k == 1 ? rate : n -> rate.getNewValue((n + k - 1) / k);
  }

  static Loss loss(TrainingPlan plan, Loss loss) {
    return plan.spec().data().mixup() > 0 ? new MixupLoss(loss) : loss;
  }

  /** The training batches: Cairn's own when they change per batch, else the runner's arrays. */
  static Dataset trainSet(TrainingPlan plan, EpochBatches plain) {
    ExperimentSpec spec = plan.spec();
    DataOptions data = spec.data();
    int done = plan.epochsDone();
    if (data.cropPadding() > 0 || data.flip() || data.mixup() > 0) {
      BatchSource source =
          new BatchSource(
              plan.data().train(),
              plan.classification(),
              plan.info().outputSize(),
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

  /** Early stopping must monitor a split that is tracked, every epoch. */
  static void checkEarlyStopping(TrainingPlan plan) {
    ExperimentSpec spec = plan.spec();
    TrainingOptions options = plan.options();
    String evalSplit = plan.evalSplit();
    if (options.earlyStopping() == null) {
      return;
    }
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

  /** Listeners to add after the runner's own (they read the epoch summary it makes). */
  static Listeners listeners(
      TrainingPlan plan, Model model, Block block, MetricsListener metricsListener) {
    TrainingOptions options = plan.options();
    String evalSplit = plan.evalSplit();
    List<TrainingListener> out = new ArrayList<>();
    ClassMetricsListener classMetrics = null;
    if ((options.topK() > 0 || options.perClassAccuracy()) && evalSplit != null) {
      classMetrics =
          new ClassMetricsListener(
              plan.runId(),
              plan.env().sink(),
              evalSplit,
              options.topK(),
              plan.info().classLabels(),
              options.perClassAccuracy(),
              plan.epochsDone());
      out.add(classMetrics);
    }
    if (options.checkpointEvery() > 0) {
      out.add(
          new CheckpointListener(
              model,
              plan.runDir(),
              options.checkpointEvery(),
              options.keepCheckpoints(),
              plan.spec().text(),
              metricsListener::lastEpoch,
              plan::modelInfo));
    }
    EarlyStoppingListener earlyStopping = null;
    if (options.earlyStopping() != null) {
      earlyStopping =
          new EarlyStoppingListener(options.earlyStopping(), metricsListener::lastEpoch, block);
      out.add(earlyStopping);
    }
    return new Listeners(List.copyOf(out), classMetrics, earlyStopping);
  }

  /**
   * After the trainer initialised the block: normalisation statistics, then the weights of the
   * checkpoint a resumed run continues from, or of the run it fine-tunes from.
   *
   * @param inner the model plugin's block
   * @param block what trains: {@code inner}, or normalisation around it
   */
  static void afterInitialize(TrainingPlan plan, Block inner, Block block, Trainer trainer)
      throws IOException {
    skipGradientCheck(trainer);
    if (block instanceof NormalizeBlock normalized && block != inner) {
      Normalization stats = Normalization.of(plan.data().train().features());
      normalized.setStatistics(stats.mean(), stats.std());
      plan.env()
          .sink()
          .acceptParams(
              plan.runId(),
              Map.of(
                  "dataset.normalize.mean", Arrays.toString(stats.mean()),
                  "dataset.normalize.std", Arrays.toString(stats.std())));
    }
    if (plan.resume() != null) {
      resume(plan, block);
    } else if (plan.options().fineTune() != null) {
      FineTuning.apply(plan, inner);
    }
  }

  /** Loads the checkpoint's weights; every parameter must get a value. */
  private static void resume(TrainingPlan plan, Block block) throws IOException {
    var model = plan.resolved().model();
    Path dir = plan.resume().checkpoint().dir();
    Block fresh =
        TrainedRunLoader.block(plan.spec(), model.provider(), model.params(), plan.info());
    WeightTransfer.Result r =
        TrainedRunLoader.transfer(fresh, dir, block, false, Set.of(), "checkpoint " + dir);
    if (!r.kept().isEmpty()) {
      throw new IOException(
          "checkpoint " + dir + " does not fit this model:" + " no saved values for " + r.kept());
    }
  }

  /**
   * Turns off DJL's first-step check that "gradient values are all zeros": it sums the gradients
   * with their signs, and for a linear layer with two outputs (a perceptron, logistic regression on
   * two classes) the two rows' gradients cancel exactly, so correct training was refused. The loop
   * always calls backward, which is all the check is meant to catch. DJL 0.35 offers no public
   * switch: the flag is private, set only by the private check, and read by {@code step()}, which
   * needs the trainer's private parameter store.
   */
  private static void skipGradientCheck(Trainer trainer) {
    try {
      Field checked = Trainer.class.getDeclaredField("gradientsChecked");
      checked.setAccessible(true);
      checked.setBoolean(trainer, true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // a DJL without the field has no such check either
    }
  }

  /** Runs the loop; an early stop ends it quietly. */
  static Fitted fit(
      TrainingPlan plan, Listeners listeners, MetricsListener metricsListener, FitLoop loop)
      throws IOException, TranslateException {
    MetricSink sink = plan.env().sink();
    EarlyStoppingListener earlyStopping = listeners.earlyStopping();
    try {
      loop.run();
    } catch (EarlyStoppingListener.Stop stop) {
      sink.acceptParams(
          plan.runId(),
          Map.of(
              "training.earlyStopping.stoppedEpoch", Integer.toString(earlyStopping.stoppedEpoch()),
              "training.earlyStopping.reason", stop.getMessage()));
    }
    EpochSummary last = metricsListener.lastEpoch();
    int lastEpoch = last == null ? 0 : last.epoch();
    boolean restored = false;
    if (earlyStopping != null && earlyStopping.restoreBest(lastEpoch)) {
      restored = true;
      sink.acceptParams(
          plan.runId(),
          Map.of(
              "training.earlyStopping.restoredEpoch", Integer.toString(earlyStopping.bestEpoch())));
    }
    return new Fitted(lastEpoch, restored);
  }

  /** The training loop the runner runs. */
  interface FitLoop {
    void run() throws IOException, TranslateException;
  }

  /** Final metrics the options add. */
  static Map<String, Double> finalMetrics(TrainingPlan plan, Listeners listeners) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (listeners.classMetrics() != null) {
      out.putAll(listeners.classMetrics().lastValues());
    }
    EarlyStoppingListener earlyStopping = listeners.earlyStopping();
    if (earlyStopping != null) {
      out.put("early_stopping/best_epoch", (double) earlyStopping.bestEpoch());
      out.put(
          "early_stopping/best_" + plan.options().earlyStopping().monitor(), earlyStopping.best());
      out.put("early_stopping/stopped_epoch", (double) earlyStopping.stoppedEpoch());
    }
    return out;
  }
}
