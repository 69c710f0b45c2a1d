package dev.cairn.core.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.loss.Loss;
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;
import dev.cairn.core.spec.ExperimentSpec;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.system.SystemMetrics;
import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.OptimizerSetup;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Split;
import dev.cairn.spi.Task;
import dev.cairn.spi.TrainingHook;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Trains one resolved spec with DJL, in five steps: <b>prepare</b> (seed, load and prepare the
 * data, check what depends on it: an immutable {@link TrainingPlan}), <b>build</b> (model,
 * optimizer and loss from the plugins), <b>configure</b> (DJL's training config with the {@link
 * MetricsListener} and the named listeners of the dashboard and the options, e.g. {@link
 * CheckpointListener}), <b>fit</b> (DJL's training step, {@link EasyTrain#trainBatch}, in {@link
 * EpochLoop}, then the model saved with its {@link TrainedModelInfo}) and <b>summarize</b> (final
 * metrics). A resumed or fine-tuned run loads its weights through {@link TrainedRunLoader} after
 * the trainer initialised the block. The splits stay in native arrays (on the GPU when they fit)
 * and are served by {@link EpochBatches}. Every NDManager, Model and Trainer is closed before it
 * returns. Blocking: call it on a worker thread.
 */
public final class TrainingRunner {
  /** Models with at most this many parameters return them in {@link TrainingResult#parameters}. */
  public static final int PARAMETER_DUMP_LIMIT = 10_000;

  private static final String ENGINE = "PyTorch";

  /**
   * What a training needs from its surroundings.
   *
   * @param dataDir Cairn's data directory (dataset downloads)
   * @param offline datasets must not download
   * @param sink receives the run's scalars
   * @param observer progress callbacks
   * @param cancelled polled every batch; when true the training stops with a CancellationException
   */
  public record Environment(
      Path dataDir,
      boolean offline,
      MetricSink sink,
      ProgressObserver observer,
      BooleanSupplier cancelled) {
    /** Where a run's files live: {@code dataDir/runs/<runId>}. */
    public Path runDir(String runId) {
      return runDir(dataDir, runId);
    }

    public static Path runDir(Path dataDir, String runId) {
      return dataDir.resolve("runs").resolve(runId);
    }
  }

  /** File name prefix of the trained parameters saved in {@code runDir/model} (DJL format). */
  public static final String MODEL_NAME = "model";

  /**
   * Trains; returns final metrics. Validation errors that depend on the data (loss vs task, batch
   * size vs split size, model vs input shape) are thrown as {@link SpecException} before the first
   * step.
   */
  public TrainingResult train(ResolvedSpec resolved, String runId, Environment env)
      throws IOException, TranslateException {
    return train(resolved, runId, env, null);
  }

  /**
   * Trains, or with {@code resume} continues a run from one of its checkpoints (see {@link
   * Resume}); the dataset-wide and training options of the spec apply either way.
   */
  public TrainingResult train(ResolvedSpec resolved, String runId, Environment env, Resume resume)
      throws IOException, TranslateException {
    int systemEvery = resolved.spec().logging().systemEverySeconds();
    if (systemEvery <= 0) {
      return trainWith(resolved, runId, env, resume);
    }
    // system/* series from a daemon thread, stopped (with a last sample) and flushed at the run's
    // end
    SystemMetricsLogging.LockedMetricSink sink =
        new SystemMetricsLogging.LockedMetricSink(env.sink());
    Environment shared =
        new Environment(env.dataDir(), env.offline(), sink, env.observer(), env.cancelled());
    SystemMetrics system = SystemMetricsLogging.start(systemEvery, runId, sink);
    try {
      return trainWith(resolved, runId, shared, resume);
    } finally {
      system.close();
      sink.flush();
    }
  }

  /** The parts {@link #build} makes from the plugins. */
  private record ModelParts(
      Block inner, Block block, OptimizerSetup optimizer, CapturingLoss loss) {}

  /** What {@link #configure} sets up around the model. */
  private record Configured(
      DefaultTrainingConfig config,
      Dataset trainSet,
      MetricsListener metricsListener,
      RunMetricLogger logger,
      TrainingExtras.Listeners extras) {}

  private TrainingResult trainWith(
      ResolvedSpec resolved, String runId, Environment env, Resume resume)
      throws IOException, TranslateException {
    long started = System.nanoTime();
    TrainingPlan plan = prepare(resolved, runId, env, resume);
    ModelParts parts = build(plan);
    try (NDManager dataManager = NDManager.newBaseManager(plan.dataDevice(), ENGINE);
        Model model = Model.newInstance(plan.spec().name(), plan.device(), ENGINE);
        EpochBatches trainBatches = arrays(dataManager, plan.data().train(), plan.sampler(), plan);
        EpochBatches evalSet =
            plan.eval() == null
                ? null
                : arrays(dataManager, plan.eval(), evalSampler(plan), plan)) {
      Configured run = configure(plan, parts, model, trainBatches, evalSet);
      try (Trainer trainer = model.newTrainer(run.config())) {
        long parameterCount = initialize(plan, parts, trainer, run.logger());
        TrainingExtras.Fitted fitted = fit(plan, run, model, trainer, evalSet);
        Map<String, Double> metrics = summarize(plan, run, fitted, trainer, dataManager, evalSet);
        double seconds = (System.nanoTime() - started) / 1e9;
        return new TrainingResult(
            Devices.label(plan.device()),
            fitted.epochsTrained(),
            run.metricsListener().steps(),
            parameterCount,
            seconds,
            metrics,
            parameterCount <= PARAMETER_DUMP_LIMIT ? dumpParameters(parts.block()) : Map.of());
      }
    }
  }

  /**
   * Seeds the engine, loads and prepares the data, and checks what depends on it (loss vs task,
   * batch size vs split size): the {@link TrainingPlan} every later step reads.
   */
  private static TrainingPlan prepare(
      ResolvedSpec resolved, String runId, Environment env, Resume resume) throws IOException {
    ExperimentSpec spec = resolved.spec();
    TorchThreads.apply(spec.training().threads());
    Engine engine = Engine.getEngine(ENGINE);
    Device device = Devices.resolve(spec.device(), engine);
    engine.setRandomSeed(Long.hashCode(spec.seed()));
    DatasetSplits data =
        TrainingExtras.prepare(load(resolved, env), spec, Environment.runDir(env.dataDir(), runId));
    checkLossFitsTask(resolved, data.info());
    var loader = spec.loader();
    SeededSampler sampler =
        new SeededSampler(loader.batchSize(), loader.shuffle(), loader.dropLast(), spec.seed());
    int batchesPerEpoch = batchesPerEpoch(spec, sampler, data.train().size());
    String evalSplit =
        data.validation() != null ? "validation" : data.test() != null ? "test" : null;
    return new TrainingPlan(
        resolved,
        runId,
        env,
        resume,
        device,
        Devices.dataDevice(device, datasetBytes(data)),
        data,
        sampler,
        batchesPerEpoch,
        evalSplit,
        evaluationBatchSize(loader.batchSize()));
  }

  private static DatasetSplits load(ResolvedSpec resolved, Environment env) throws IOException {
    ExperimentSpec spec = resolved.spec();
    try {
      return resolved
          .dataset()
          .provider()
          .load(
              resolved.dataset().params(),
              new DatasetContext(env.dataDir(), spec.seed(), env.offline()));
    } catch (IOException e) {
      throw new DatasetLoadException(e);
    }
  }

  private static int batchesPerEpoch(ExperimentSpec spec, SeededSampler sampler, int trainSize) {
    int batches = sampler.batchCount(trainSize);
    if (batches == 0) {
      throw new SpecException(
          "dataset.batchSize",
          spec.loader().batchSize()
              + " is larger than the training split ("
              + trainSize
              + " examples) with dropLast: true;"
              + " use a batch size <= "
              + trainSize
              + " or dropLast: false");
    }
    return batches;
  }

  /** Builds the model (with normalisation when asked for), the optimizer and the loss. */
  private static ModelParts build(TrainingPlan plan) {
    ResolvedSpec resolved = plan.resolved();
    DatasetInfo info = plan.info();
    Block inner =
        resolved
            .model()
            .provider()
            .build(resolved.model().params(), new ModelContext(info, plan.spec().seed()));
    Block block = TrainedRunLoader.wrap(plan.spec(), inner, info);
    OptimizerSetup optimizer =
        resolved
            .optimizer()
            .provider()
            .build(resolved.optimizer().params(), TrainingExtras.optimizerContext(plan));
    Loss loss = resolved.loss().provider().build(resolved.loss().params(), info);
    return new ModelParts(
        inner, block, optimizer, new CapturingLoss(TrainingExtras.loss(plan, loss)));
  }

  /**
   * Puts the block into the model and composes DJL's training config: loss, optimizer, device, the
   * metrics listener, then the dashboard's and the options' listeners (checkpoints, early stopping,
   * class metrics) and a model plugin's hook.
   */
  private static Configured configure(
      TrainingPlan plan,
      ModelParts parts,
      Model model,
      EpochBatches trainBatches,
      EpochBatches evalSet) {
    ExperimentSpec spec = plan.spec();
    MetricSink sink = plan.env().sink();
    Map<String, String> setup = new LinkedHashMap<>(TorchThreads.describe());
    setup.put("system.dataDevice", Devices.label(plan.dataDevice()));
    sink.acceptParams(plan.runId(), setup);
    model.setBlock(parts.block());
    Dataset trainSet = TrainingExtras.trainSet(plan, trainBatches);
    MetricsListener metricsListener =
        new MetricsListener(
            plan.runId(),
            sink,
            plan.env().observer(),
            parts.loss(),
            TrainingExtras.loggedRate(plan, parts.optimizer().learningRate()),
            spec.logging().everySteps(),
            spec.epochs(),
            plan.batchesPerEpoch(),
            plan.evalSplit(),
            plan.classification(),
            plan.env().cancelled());
    if (plan.resume() != null) {
      metricsListener.startAt(plan.epochsDone(), plan.stepsDone());
    }
    TrainingExtras.checkEarlyStopping(plan);
    RunMetricLogger logger = new RunMetricLogger(plan.runId(), sink);
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(parts.loss())
            .optOptimizer(
                TrainingExtras.optimizer(plan, parts.inner(), parts.optimizer().optimizer()))
            .optDevices(new Device[] {plan.device()})
            .addTrainingListeners(metricsListener);
    new DashboardLogging(spec.logging().histogramsEveryEpochs(), spec.logging().imagesEveryEpochs())
        .listeners(logger, plan.info(), evalSet != null, plan.batchesPerEpoch())
        .forEach(config::addTrainingListeners);
    TrainingExtras.Listeners extras =
        TrainingExtras.listeners(plan, model, parts.block(), metricsListener);
    extras.all().forEach(config::addTrainingListeners);
    if (parts.inner() instanceof TrainingHook hook) {
      config.addTrainingListeners(new HookListener(hook, logger, metricsListener));
    }
    return new Configured(config, trainSet, metricsListener, logger, extras);
  }

  /**
   * Initialises the parameters for the input shape, then statistics and loaded weights (resume,
   * fine-tune); logs the graph and reports the start. Returns the parameter count.
   */
  private static long initialize(
      TrainingPlan plan, ModelParts parts, Trainer trainer, RunMetricLogger logger)
      throws IOException {
    ExperimentSpec spec = plan.spec();
    Shape inputShape = new Shape(prepend(spec.loader().batchSize(), plan.info().inputShape()));
    try {
      trainer.initialize(inputShape);
    } catch (RuntimeException e) {
      throw new SpecException(
          "model",
          "model '"
              + spec.model().plugin()
              + "' does not fit the input shape "
              + inputShape
              + ": "
              + e.getMessage());
    }
    TrainingExtras.afterInitialize(plan, parts.inner(), parts.block(), trainer);
    long parameterCount = countParameters(parts.block());
    DashboardLogging.logGraph(logger, parts.block());
    plan.env()
        .observer()
        .onStart(
            plan.runId(),
            Devices.label(plan.device()),
            spec.epochs(),
            plan.batchesPerEpoch(),
            parameterCount);
    return parameterCount;
  }

  /** Trains the remaining epochs, then saves the trained parameters with their description. */
  private static TrainingExtras.Fitted fit(
      TrainingPlan plan, Configured run, Model model, Trainer trainer, EpochBatches evalSet)
      throws IOException, TranslateException {
    ExperimentSpec spec = plan.spec();
    TrainingExtras.Fitted fitted =
        TrainingExtras.fit(
            plan,
            run.extras(),
            run.metricsListener(),
            () ->
                EpochLoop.fit(
                    trainer,
                    plan.epochsDone() + 1,
                    spec.epochs(),
                    run.trainSet(),
                    evalSet,
                    spec.logging().evaluateEveryEpochs(),
                    run.metricsListener()));
    plan.env().sink().flush();
    Checkpoints.saveFinal(
        model, plan.runDir().resolve("model"), spec.epochs(), plan.modelInfo(spec.epochs()));
    return fitted;
  }

  /**
   * The final metrics, with the same names and meaning as the stored series, stored where no series
   * holds them yet: train/loss is the last logged batch's loss (the train/loss series ends there),
   * epoch/train_loss the last epoch's mean.
   */
  private static Map<String, Double> summarize(
      TrainingPlan plan,
      Configured run,
      TrainingExtras.Fitted fitted,
      Trainer trainer,
      NDManager dataManager,
      EpochBatches evalSet)
      throws IOException, TranslateException {
    MetricsListener metricsListener = run.metricsListener();
    String evalSplit = plan.evalSplit();
    boolean classification = plan.classification();
    Map<String, Double> metrics = new LinkedHashMap<>();
    EpochSummary last = metricsListener.lastEpoch();
    FinalMetrics.put(
        metrics,
        "train/loss",
        Double.isNaN(metricsListener.lastLoss()) ? last.trainLoss() : metricsListener.lastLoss());
    FinalMetrics.put(metrics, "epoch/train_loss", last.trainLoss());
    FinalMetrics.put(metrics, "train/accuracy", last.trainAccuracy());
    if (evalSplit != null && fitted.restoredBest()) {
      // the model now holds the best epoch's weights: its final metrics are theirs
      FinalMetrics.evaluate(trainer, evalSet, classification, metrics, evalSplit);
    } else if (evalSplit != null) {
      FinalMetrics.put(metrics, evalSplit + "/loss", last.evalLoss());
      FinalMetrics.put(metrics, evalSplit + "/accuracy", last.evalAccuracy());
    }
    Split test = plan.data().test();
    if (test != null && !"test".equals(evalSplit)) {
      try (EpochBatches testSet = arrays(dataManager, test, evalSampler(plan), plan)) {
        FinalMetrics.evaluate(trainer, testSet, classification, metrics, "test");
      }
    }
    FinalMetrics.store(plan.env().sink(), plan.runId(), metricsListener.steps(), metrics);
    metrics.putAll(TrainingExtras.finalMetrics(plan, run.extras()));
    return metrics;
  }

  private static SeededSampler evalSampler(TrainingPlan plan) {
    return new SeededSampler(plan.evalBatch(), false, false, 0);
  }

  private static void checkLossFitsTask(ResolvedSpec resolved, DatasetInfo info) {
    var loss = resolved.loss().provider();
    if (loss.task() != info.task()) {
      throw new SpecException(
          "loss.plugin",
          "'"
              + loss.id()
              + "' is a "
              + loss.task().name().toLowerCase()
              + " loss but dataset '"
              + resolved.spec().dataset().plugin()
              + "' is a "
              + info.task().name().toLowerCase()
              + " task; choose a "
              + info.task().name().toLowerCase()
              + " loss");
    }
  }

  /**
   * Evaluation batches: four training batches, at most 1,024 examples (never fewer than one
   * training batch). Without autograd an evaluation keeps no activations for a backward pass, so a
   * larger batch costs little memory and saves per-batch overhead.
   */
  static int evaluationBatchSize(int trainBatchSize) {
    return Math.max(trainBatchSize, Math.min(4 * trainBatchSize, 1024));
  }

  private static long datasetBytes(DatasetSplits data) {
    long bytes = 0;
    for (Split split : new Split[] {data.train(), data.validation(), data.test()}) {
      if (split != null) {
        bytes += 4L * (split.features().data().length + split.labels().data().length);
      }
    }
    return bytes;
  }

  private static EpochBatches arrays(
      NDManager manager, Split split, SeededSampler sampler, TrainingPlan plan) {
    DatasetInfo info = plan.info();
    NDArray x = manager.create(split.features().data(), new Shape(split.features().shape()));
    long n = split.size();
    // class indices as a flat vector (what Accuracy and sparse cross-entropy expect); regression
    // targets as [n, outputs]
    Shape labelShape =
        info.task() == Task.CLASSIFICATION ? new Shape(n) : new Shape(n, info.outputSize());
    NDArray y = manager.create(split.labels().data(), labelShape);
    return new EpochBatches(x, y, sampler);
  }

  private static long countParameters(Block block) {
    long total = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().isInitialized()) {
        total += p.getValue().getArray().size();
      }
    }
    return total;
  }

  private static Map<String, TrainingResult.ParameterValues> dumpParameters(Block block) {
    Map<String, TrainingResult.ParameterValues> out = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray array = p.getValue().getArray();
      out.put(
          p.getKey(),
          new TrainingResult.ParameterValues(array.getShape().getShape(), array.toFloatArray()));
    }
    return out;
  }

  private static long[] prepend(long first, long[] rest) {
    long[] out = new long[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }
}
