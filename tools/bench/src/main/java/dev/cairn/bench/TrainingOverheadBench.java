package dev.cairn.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import dev.cairn.core.spec.LoggingOptions;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.core.training.EpochSummary;
import dev.cairn.core.training.ProgressObserver;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.RunOutcome;
import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.OptimizerContext;
import io.vertx.core.Promise;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Epoch time of the same MLP spec (a) run through Cairn (plugins, event bus, H2 store, tracking
 * listener, accuracy) and (b) as a bare DJL loop over the same in-memory data. Rounds alternate a
 * and b so that machine noise hits both; the first epoch of each run is warm-up and dropped.
 *
 * <p>With a third argument {@code system}, compares instead Cairn runs with {@code system/*}
 * metrics sampled every second (ten times the default rate) against runs with them off.
 *
 * <p>Usage: {@code tools/bench/run training-overhead [rounds=3] [epochs=4] [system]}
 */
public final class TrainingOverheadBench {
  public static final String SPEC =
      """
      name: bench-mlp
      experiment: bench
      seed: 1
      device: cpu
      epochs: %d
      logging: {everySteps: 10, systemEverySeconds: %d}
      dataset: {plugin: fashion-mnist, batchSize: 256, shuffle: true}
      model: {plugin: mlp, hidden: [256]}
      optimizer: {plugin: sgd, lr: 0.1}
      loss: softmax-cross-entropy
      """;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    if (args.length > 2 && args[2].equals("system")) {
      systemMetrics(rounds, epochs);
      return;
    }
    Path dataDir = Files.createTempDirectory("cairn-bench");
    List<Double> cairn = new ArrayList<>();
    List<Double> bare = new ArrayList<>();
    try (Platform platform = Platform.start(new CairnOptions(dataDir, null, null, true))) {
      ResolvedSpec spec =
          platform
              .runs()
              .resolve(
                  SpecParser.parse(
                      String.format(
                          Locale.ROOT, SPEC, epochs, LoggingOptions.DEFAULT_SYSTEM_EVERY_SECONDS),
                      "bench"));
      DatasetSplits data =
          spec.dataset()
              .provider()
              .load(spec.dataset().params(), new DatasetContext(dataDir, 1, true));
      for (int r = 1; r <= rounds; r++) {
        List<Double> a = viaCairn(platform, spec);
        List<Double> b = bareDjl(spec, data, epochs);
        System.out.printf(Locale.ROOT, "round %d  cairn %s  bare %s%n", r, a, b);
        cairn.addAll(a.subList(1, a.size()));
        bare.addAll(b.subList(1, b.size()));
      }
    }
    double mc = median(cairn);
    double mb = median(bare);
    System.out.printf(
        Locale.ROOT,
        "%nMLP 784-256-10, Fashion-MNIST 60k, batch 256, CPU; %d rounds x %d epochs (first epoch dropped)%n",
        rounds,
        epochs);
    System.out.printf(Locale.ROOT, "%-28s %10s%n", "", "median s/epoch");
    System.out.printf(Locale.ROOT, "%-28s %10.3f%n", "cairn run (tracked)", mc);
    System.out.printf(Locale.ROOT, "%-28s %10.3f%n", "bare DJL loop", mb);
    System.out.printf(Locale.ROOT, "%-28s %10.3f  (goal <= 1.03)%n", "ratio cairn / bare", mc / mb);
  }

  /** Cairn runs with system metrics every second vs off, alternating. */
  static void systemMetrics(int rounds, int epochs) throws Exception {
    Path dataDir = Files.createTempDirectory("cairn-bench");
    List<Double> with = new ArrayList<>();
    List<Double> without = new ArrayList<>();
    try (Platform platform = Platform.start(new CairnOptions(dataDir, null, null, true))) {
      ResolvedSpec on =
          platform
              .runs()
              .resolve(SpecParser.parse(String.format(Locale.ROOT, SPEC, epochs, 1), "bench"));
      ResolvedSpec off =
          platform
              .runs()
              .resolve(SpecParser.parse(String.format(Locale.ROOT, SPEC, epochs, 0), "bench"));
      for (int r = 1; r <= rounds; r++) {
        List<Double> a = viaCairn(platform, on);
        List<Double> b = viaCairn(platform, off);
        System.out.printf(Locale.ROOT, "round %d  system every 1 s %s  off %s%n", r, a, b);
        with.addAll(a.subList(1, a.size()));
        without.addAll(b.subList(1, b.size()));
      }
    }
    double mw = median(with);
    double mo = median(without);
    System.out.printf(
        Locale.ROOT,
        "%nMLP 784-256-10, Fashion-MNIST 60k, batch 256, CPU; %d rounds x %d epochs (first epoch dropped)%n",
        rounds,
        epochs);
    System.out.printf(Locale.ROOT, "%-28s %10.3f%n", "system/* every 1 s", mw);
    System.out.printf(Locale.ROOT, "%-28s %10.3f%n", "system/* off", mo);
    System.out.printf(Locale.ROOT, "%-28s %10.3f%n", "ratio with / without", mw / mo);
  }

  /** Training seconds per epoch as Cairn's metrics listener measured them. */
  public static List<Double> viaCairn(Platform platform, ResolvedSpec spec) throws Exception {
    List<Double> times = new ArrayList<>();
    Promise<RunOutcome> outcome = Promise.promise();
    platform
        .runs()
        .submit(
            spec,
            null,
            new ProgressObserver() {
              @Override
              public void onEpoch(EpochSummary s) {
                times.add(s.trainSeconds());
              }
            },
            outcome)
        .toCompletionStage()
        .toCompletableFuture()
        .get();
    RunOutcome o = outcome.future().toCompletionStage().toCompletableFuture().get();
    if (o.result() == null) {
      throw new IllegalStateException("cairn run failed: " + o.error());
    }
    return times;
  }

  /**
   * The loop a DJL user writes by hand: no evaluators, no listeners, same data, model and
   * optimizer.
   */
  static List<Double> bareDjl(ResolvedSpec spec, DatasetSplits data, int epochs) throws Exception {
    Engine.getEngine("PyTorch").setRandomSeed(1);
    List<Double> times = new ArrayList<>();
    int batches = (data.train().size() + 255) / 256;
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        Model model = Model.newInstance("bare", Device.cpu(), "PyTorch")) {
      model.setBlock(
          spec.model().provider().build(spec.model().params(), new ModelContext(data.info(), 1)));
      var x =
          manager.create(
              data.train().features().data(), new Shape(data.train().features().shape()));
      var y = manager.create(data.train().labels().data(), new Shape(data.train().size()));
      ArrayDataset train =
          new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(256, true).build();
      var optimizer =
          spec.optimizer()
              .provider()
              .build(spec.optimizer().params(), new OptimizerContext(batches, epochs));
      var loss = spec.loss().provider().build(spec.loss().params(), data.info());
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(loss)
              .optOptimizer(optimizer.optimizer())
              .optDevices(new Device[] {Device.cpu()});
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(256, 1, 28, 28));
        for (int e = 0; e < epochs; e++) {
          long start = System.nanoTime();
          for (Batch batch : trainer.iterateDataset(train)) {
            EasyTrain.trainBatch(trainer, batch);
            trainer.step();
            batch.close();
          }
          times.add((System.nanoTime() - start) / 1e9);
        }
      }
    }
    return times;
  }

  public static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
