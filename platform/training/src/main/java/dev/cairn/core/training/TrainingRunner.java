package dev.cairn.core.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;
import dev.cairn.core.spec.ExperimentSpec;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.OptimizerSetup;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Split;
import dev.cairn.spi.Task;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Trains one resolved spec with DJL: loads the data, builds the model, optimizer and loss from the
 * plugins, and runs DJL's training step ({@link EasyTrain#trainBatch}) in {@link EpochLoop} with a
 * {@link TrackingListener} hooked in. The splits stay in native arrays (on the GPU when they fit)
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
      TrainingObserver observer,
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
    SystemMetricsLogging.LockedSink sink = new SystemMetricsLogging.LockedSink(env.sink());
    Environment shared =
        new Environment(env.dataDir(), env.offline(), sink, env.observer(), env.cancelled());
    dev.cairn.core.system.SystemMetrics system =
        SystemMetricsLogging.start(systemEvery, runId, sink);
    try {
      return trainWith(resolved, runId, shared, resume);
    } finally {
      system.close();
      sink.flush();
    }
  }

  private TrainingResult trainWith(
      ResolvedSpec resolved, String runId, Environment env, Resume resume)
      throws IOException, TranslateException {
    ExperimentSpec spec = resolved.spec();
    TrainingExtras extras = new TrainingExtras(resolved, runId, env, resume);
    TorchThreads.apply(spec.training().threads());
    Engine engine = Engine.getEngine(ENGINE);
    Device device = Devices.resolve(spec.device(), engine);
    long started = System.nanoTime();
    engine.setRandomSeed(Long.hashCode(spec.seed()));

    DatasetSplits data;
    try {
      data =
          resolved
              .dataset()
              .provider()
              .load(
                  resolved.dataset().params(),
                  new DatasetContext(env.dataDir(), spec.seed(), env.offline()));
    } catch (IOException e) {
      throw new DatasetLoadException(e);
    }
    data = extras.prepare(data);
    DatasetInfo info = data.info();
    checkLossFitsTask(resolved, info);
    int trainSize = data.train().size();
    SeededSampler sampler =
        new SeededSampler(
            spec.loader().batchSize(),
            spec.loader().shuffle(),
            spec.loader().dropLast(),
            spec.seed());
    int batchesPerEpoch = sampler.batchCount(trainSize);
    if (batchesPerEpoch == 0) {
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

    Block built =
        resolved
            .model()
            .provider()
            .build(resolved.model().params(), new ModelContext(info, spec.seed()));
    Block block = extras.wrap(built);
    OptimizerSetup optimizer =
        resolved
            .optimizer()
            .provider()
            .build(resolved.optimizer().params(), extras.optimizerContext(batchesPerEpoch));
    CapturingLoss loss =
        new CapturingLoss(
            extras.loss(resolved.loss().provider().build(resolved.loss().params(), info)));
    boolean classification = info.task() == Task.CLASSIFICATION;

    Split eval = data.validation() != null ? data.validation() : data.test();
    String evalSplit =
        data.validation() != null ? "validation" : data.test() != null ? "test" : null;

    Device dataDevice = Devices.dataDevice(device, datasetBytes(data));
    Map<String, String> setup = new LinkedHashMap<>(TorchThreads.describe());
    setup.put("system.dataDevice", Devices.label(dataDevice));
    env.sink().acceptParams(runId, setup);
    int evalBatch = evaluationBatchSize(spec.loader().batchSize());
    try (NDManager dataManager = NDManager.newBaseManager(dataDevice, ENGINE);
        Model model = Model.newInstance(spec.name(), device, ENGINE);
        EpochBatches trainBatches = arrays(dataManager, data.train(), info, sampler);
        EpochBatches evalSet =
            eval == null
                ? null
                : arrays(dataManager, eval, info, new SeededSampler(evalBatch, false, false, 0))) {
      model.setBlock(block);
      ai.djl.training.dataset.Dataset trainSet = extras.trainSet(trainBatches);

      TrackingListener tracking =
          new TrackingListener(
              runId,
              env.sink(),
              env.observer(),
              loss,
              extras.loggedRate(optimizer.learningRate()),
              spec.logging().everySteps(),
              spec.epochs(),
              batchesPerEpoch,
              evalSplit,
              classification,
              env.cancelled());
      extras.track(tracking, evalSplit);
      RunTracker tracker = new RunTracker(runId, env.sink());
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(loss)
              .optOptimizer(extras.optimizer(optimizer.optimizer()))
              .optDevices(new Device[] {device})
              .addTrainingListeners(tracking);
      new DashboardLogging(
              spec.logging().histogramsEveryEpochs(), spec.logging().imagesEveryEpochs())
          .listeners(tracker, info, evalSet != null, batchesPerEpoch)
          .forEach(config::addTrainingListeners);
      extras.listeners(model, block, evalSplit).forEach(config::addTrainingListeners);
      if (built instanceof dev.cairn.spi.TrainingHook hook) {
        config.addTrainingListeners(new HookListener(hook, tracker, tracking));
      }
      try (Trainer trainer = model.newTrainer(config)) {
        Shape inputShape = new Shape(prepend(spec.loader().batchSize(), info.inputShape()));
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
        extras.afterInitialize(block, trainer);
        long parameterCount = countParameters(block);
        DashboardLogging.logGraph(tracker, block);
        env.observer()
            .onStart(runId, Devices.label(device), spec.epochs(), batchesPerEpoch, parameterCount);

        int firstEpoch = spec.epochs() - extras.epochsToRun() + 1;
        extras.fit(
            () ->
                EpochLoop.fit(
                    trainer,
                    firstEpoch,
                    spec.epochs(),
                    trainSet,
                    evalSet,
                    spec.logging().evaluateEveryEpochs(),
                    tracking));
        env.sink().flush();
        saveModel(
            model,
            env.runDir(runId).resolve("model"),
            spec.epochs(),
            TrainedModelInfo.of(
                runId,
                dev.cairn.core.Provenance.sha256(spec.text()),
                spec.model().plugin(),
                spec.dataset().plugin(),
                info,
                spec.epochs(),
                spec.seed()));

        Map<String, Double> metrics = new LinkedHashMap<>();
        EpochSummary last = tracking.lastEpoch();
        // the same names, the same meaning as the stored series: train/loss is the last logged
        // batch's loss (the train/loss series ends there), epoch/train_loss the last epoch's mean
        put(
            metrics,
            "train/loss",
            Double.isNaN(tracking.lastLoss()) ? last.trainLoss() : tracking.lastLoss());
        put(metrics, "epoch/train_loss", last.trainLoss());
        put(metrics, "train/accuracy", last.trainAccuracy());
        if (evalSplit != null && extras.restoredBest()) {
          // the model now holds the best epoch's weights: its final metrics are theirs
          evaluate(trainer, evalSet, classification, metrics, evalSplit);
        } else if (evalSplit != null) {
          put(metrics, evalSplit + "/loss", last.evalLoss());
          put(metrics, evalSplit + "/accuracy", last.evalAccuracy());
        }
        if (data.test() != null && !"test".equals(evalSplit)) {
          try (EpochBatches testSet =
              arrays(
                  dataManager, data.test(), info, new SeededSampler(evalBatch, false, false, 0))) {
            evaluate(trainer, testSet, classification, metrics, "test");
          }
        }
        storeFinalMetrics(env.sink(), runId, tracking.steps(), metrics);
        metrics.putAll(extras.finalMetrics());
        double seconds = (System.nanoTime() - started) / 1e9;
        return new TrainingResult(
            Devices.label(device),
            extras.epochsTrained(),
            tracking.steps(),
            parameterCount,
            seconds,
            metrics,
            parameterCount <= PARAMETER_DUMP_LIMIT ? dumpParameters(block) : Map.of());
      }
    }
  }

  /**
   * Saves the trained parameters, with what an ONNX export needs to know about them, atomically: a
   * crash never leaves a half-written model.
   */
  private static void saveModel(Model model, Path dir, int epochs, TrainedModelInfo exportInfo)
      throws IOException {
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    deleteRecursively(tmp);
    java.nio.file.Files.createDirectories(tmp);
    model.setProperty("Epoch", Integer.toString(epochs));
    model.save(tmp, MODEL_NAME);
    exportInfo.write(tmp); // shapes, task and labels that an ONNX export needs
    deleteRecursively(dir);
    java.nio.file.Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (var paths = java.nio.file.Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(p);
      }
    }
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
    return bytes + 4L * data.train().features().data().length; // the shuffled copy
  }

  private static EpochBatches arrays(
      NDManager manager, Split split, DatasetInfo info, SeededSampler sampler) {
    NDArray x = manager.create(split.features().data(), new Shape(split.features().shape()));
    long n = split.size();
    // class indices as a flat vector (what Accuracy and sparse cross-entropy expect); regression
    // targets as [n, outputs]
    Shape labelShape =
        info.task() == Task.CLASSIFICATION ? new Shape(n) : new Shape(n, info.outputSize());
    NDArray y = manager.create(split.labels().data(), labelShape);
    return new EpochBatches(x, y, sampler);
  }

  private static void evaluate(
      Trainer trainer,
      EpochBatches set,
      boolean classification,
      Map<String, Double> metrics,
      String split)
      throws IOException, TranslateException {
    double lossSum = 0;
    double correct = 0;
    long n = 0;
    for (Batch batch : trainer.iterateDataset(set)) {
      try (batch) {
        NDList predictions = trainer.evaluate(batch.getData());
        NDList labels = batch.getLabels();
        long size = batch.getSize();
        lossSum += trainer.getLoss().evaluate(labels, predictions).getFloat() * size;
        if (classification) {
          NDArray predicted =
              predictions.singletonOrThrow().argMax(1).toType(labels.head().getDataType(), false);
          correct += predicted.eq(labels.head()).sum().getLong();
        }
        n += size;
      }
    }
    put(metrics, split + "/loss", lossSum / n);
    if (classification) {
      put(metrics, split + "/accuracy", correct / n);
    }
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

  /**
   * Stores the final metrics that no series holds yet (train/accuracy, the test split evaluated
   * after a validation split, an evaluation of restored best weights) as one point at the last
   * step, so that the dashboard shows what the CLI prints.
   */
  private static void storeFinalMetrics(
      MetricSink sink, String runId, long step, Map<String, Double> metrics) {
    long now = System.currentTimeMillis();
    metrics.forEach(
        (key, value) -> {
          if (!key.equals("train/loss") && !key.startsWith("epoch/") && Double.isFinite(value)) {
            sink.accept(new dev.cairn.core.tracking.ScalarPoint(runId, key, step, now, value));
          }
        });
    sink.flush();
  }

  private static void put(Map<String, Double> metrics, String key, double value) {
    if (!Double.isNaN(value)) {
      metrics.put(key, value);
    }
  }
}
