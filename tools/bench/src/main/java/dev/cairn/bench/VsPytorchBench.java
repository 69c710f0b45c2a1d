package dev.cairn.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.core.training.TorchThreads;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.OptimizerContext;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Epoch time of the same models trained three ways on the same CPU: through Cairn (a spec run by
 * the platform: plugins, metrics listener, event bus, H2 store), as a bare DJL loop ({@code
 * ArrayDataset} + {@code EasyTrain.trainBatch}, what a DJL user writes), and in PyTorch eager
 * (Debian's python3-torch, {@code tools/bench/python/vs_pytorch.py}). Same examples (the first
 * {@code limit} of Fashion-MNIST's training split), batch size, optimizer and thread count; the
 * bare loop and PyTorch start from the same parameter values (written by the bare loop after its
 * initialisation), Cairn from the same seed and initialisers. Each round runs the three one after
 * the other, in a rotating order; the first epoch of every run is warm-up and dropped; ratios are
 * taken within a round and their median reported, with the load average.
 *
 * <p>Usage: {@code tools/bench/run vs-pytorch [rounds=5] [epochs=3] [limit=10000]
 * [models=mlp,lenet,cnn-bn] [threads=1,2] [pytorchIsa=native|SSE41]}
 */
public final class VsPytorchBench {
  record Case(String id, String model, String optimizer, double lr, int batch) {
    /**
     * This case's spec (see {@link #SPEC}) for {@code epochs} on the first {@code limit} examples.
     */
    String spec(int epochs, int limit, int threads) {
      return String.format(
          Locale.ROOT, SPEC, id, epochs, batch, limit, model, optimizer, lr, threads);
    }
  }

  static final List<Case> CASES =
      List.of(
          new Case("mlp", "{plugin: mlp, hidden: [256]}", "sgd", 0.1, 256),
          new Case("lenet", "{plugin: lenet}", "sgd", 0.9, 256),
          new Case(
              "cnn-bn",
              "{plugin: cnn, blocks: 3, channels: 32, hidden: 64, batchNorm: true}",
              "adam",
              0.001,
              64));

  static final String SPEC =
      """
      name: vs-%s
      experiment: bench
      seed: 1
      device: cpu
      epochs: %d
      logging: {everySteps: 10, histogramsEveryEpochs: 0, imagesEveryEpochs: 0, evaluateEveryEpochs: 1000}
      dataset: {plugin: fashion-mnist, batchSize: %d, shuffle: true, limit: %d}
      model: %s
      optimizer: {plugin: %s, lr: %s}
      loss: softmax-cross-entropy
      training: {threads: %d}
      """;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int limit = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    List<String> models = List.of((args.length > 3 ? args[3] : "mlp,lenet,cnn-bn").split(","));
    List<Integer> threadCounts = new ArrayList<>();
    for (String t : (args.length > 4 ? args[4] : "1,2").split(",")) {
      threadCounts.add(Integer.parseInt(t));
    }
    String pytorchIsa = args.length > 5 ? args[5] : "native";
    TorchThreads.configureDefaults(); // inter-op 1 before libtorch loads, as the launcher does
    Path dir = Files.createTempDirectory("cairn-vs-pytorch");
    String loadBefore = loadAverage();
    Map<String, List<double[]>> results =
        new LinkedHashMap<>(); // key -> per round {cairn, bare, torch}
    Map<String, String> firstLosses = new LinkedHashMap<>();
    JsonObject probe = null;
    try (Platform platform =
        Platform.start(new CairnOptions(dir.resolve("data"), null, null, true))) {
      Map<String, ResolvedSpec> specs = new LinkedHashMap<>();
      DatasetSplits data = null;
      for (Case c : CASES) {
        if (!models.contains(c.id())) {
          continue;
        }
        for (int threads : threadCounts) {
          specs.put(
              c.id() + "/" + threads,
              platform.runs().resolve(SpecParser.parse(c.spec(epochs, limit, threads), "bench")));
        }
        ResolvedSpec any = specs.get(c.id() + "/" + threadCounts.get(0));
        if (data == null) {
          data =
              any.dataset()
                  .provider()
                  .load(any.dataset().params(), new DatasetContext(dir.resolve("data"), 1, true));
          writeData(dir, data);
        }
        writeInitialParameters(dir, c, any, data);
      }
      for (int r = 1; r <= rounds; r++) {
        for (int threads : threadCounts) {
          for (Case c : CASES) {
            if (!models.contains(c.id())) {
              continue;
            }
            String key = c.id() + "/" + threads;
            ResolvedSpec spec = specs.get(key);
            double[] medians = new double[3];
            String[] losses = new String[3]; // PyTorch's first-epoch loss, a check on the set-up
            for (int k = 0; k < 3; k++) {
              int which = (k + r) % 3; // rotate who goes first
              List<Double> times;
              if (which == 0) {
                times = TrainingOverheadBench.viaCairn(platform, spec);
              } else if (which == 1) {
                times = bare(spec, c, data, epochs, threads);
              } else {
                JsonObject out = pytorch(dir, c, data.train().size(), epochs, threads, pytorchIsa);
                probe = out;
                times = doubles(out.getJsonArray("times"));
                losses[2] =
                    String.format(Locale.ROOT, "%.4f", out.getJsonArray("losses").getDouble(0));
              }
              medians[which] = TrainingOverheadBench.median(times.subList(1, times.size()));
            }
            firstLosses.put(key, losses[2]);
            results.computeIfAbsent(key, x -> new ArrayList<>()).add(medians);
            System.out.printf(
                Locale.ROOT,
                "round %d %-10s cairn %.3f  bare %.3f  pytorch %.3f s/epoch  (load %s)%n",
                r,
                key,
                medians[0],
                medians[1],
                medians[2],
                loadAverage());
          }
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%nFashion-MNIST first %d training examples, %d rounds x %d epochs (first dropped), CPU;"
            + " load average before %s, after %s%n",
        limit,
        rounds,
        epochs,
        loadBefore,
        loadAverage());
    if (probe != null) {
      System.out.printf(
          Locale.ROOT,
          "PyTorch %s, GEMM probe %.1f GFLOP/s (last run), BLAS %s, oneDNN ISA %s%n",
          probe.getString("torch"),
          probe.getDouble("gflops"),
          probe.getJsonArray("blas"),
          pytorchIsa);
    }
    System.out.printf(
        Locale.ROOT,
        "%-12s %9s %9s %9s   %-14s %-14s %-14s %s%n",
        "model/threads",
        "cairn s",
        "bare s",
        "torch s",
        "cairn/torch",
        "cairn/bare",
        "bare/torch",
        "torch epoch-1 loss");
    for (var e : results.entrySet()) {
      List<double[]> rows = e.getValue();
      System.out.printf(
          Locale.ROOT,
          "%-12s %9.3f %9.3f %9.3f   %-14s %-14s %-14s %s%n",
          e.getKey(),
          median(rows, 0),
          median(rows, 1),
          median(rows, 2),
          ratio(rows, 0, 2),
          ratio(rows, 0, 1),
          ratio(rows, 1, 2),
          firstLosses.get(e.getKey()));
    }
  }

  /** The median of the per-round ratios a / b, and their range. */
  static String ratio(List<double[]> rows, int a, int b) {
    List<Double> r = new ArrayList<>();
    for (double[] row : rows) {
      r.add(row[a] / row[b]);
    }
    return String.format(
        Locale.ROOT,
        "%.2f (%.2f-%.2f)",
        TrainingOverheadBench.median(r),
        r.stream().mapToDouble(Double::doubleValue).min().orElse(0),
        r.stream().mapToDouble(Double::doubleValue).max().orElse(0));
  }

  static double median(List<double[]> rows, int column) {
    List<Double> values = new ArrayList<>();
    rows.forEach(row -> values.add(row[column]));
    return TrainingOverheadBench.median(values);
  }

  static List<Double> doubles(JsonArray array) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      out.add(array.getDouble(i));
    }
    return out;
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "?";
    }
  }

  static void writeData(Path dir, DatasetSplits data) throws IOException {
    writeFloats(dir.resolve("x.f32"), data.train().features().data());
    writeFloats(dir.resolve("y.f32"), data.train().labels().data());
  }

  static void writeFloats(Path file, float[] values) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    Files.write(file, buffer.array());
  }

  /** The bare loop's initial parameters (same seed as Cairn's run), in DJL's order, for PyTorch. */
  static void writeInitialParameters(Path dir, Case c, ResolvedSpec spec, DatasetSplits data)
      throws Exception {
    Engine.getEngine("PyTorch").setRandomSeed(Long.hashCode(spec.spec().seed()));
    try (Model model = Model.newInstance("init", Device.cpu(), "PyTorch")) {
      model.setBlock(
          spec.model()
              .provider()
              .build(spec.model().params(), new ModelContext(data.info(), spec.spec().seed())));
      var loss = spec.loss().provider().build(spec.loss().params(), data.info());
      try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(loss))) {
        trainer.initialize(new Shape(c.batch(), 1, 28, 28));
        List<Float> all = new ArrayList<>();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
          for (float f : p.getValue().getArray().toFloatArray()) {
            all.add(f);
          }
        }
        float[] values = new float[all.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = all.get(i);
        }
        writeFloats(dir.resolve(c.id() + ".params.f32"), values);
      }
    }
  }

  /**
   * The hand-written loop's parts: the spec's model built from the same initial parameters as
   * PyTorch, the examples as one {@link ArrayDataset} (shuffled each epoch or in order), the loss,
   * and a trainer initialised for the batch; {@link #close} closes them.
   */
  static final class BareLoop implements AutoCloseable {
    final NDManager manager;
    final Model model;
    final ArrayDataset train;
    final Loss loss;
    final Trainer trainer;

    BareLoop(
        ResolvedSpec spec, Case c, DatasetSplits data, int epochs, boolean shuffle, String name)
        throws Exception {
      int n = data.train().size();
      int batches = (n + c.batch() - 1) / c.batch();
      manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
      Model m = null;
      try {
        m = Model.newInstance(name, Device.cpu(), "PyTorch");
        m.setBlock(
            spec.model()
                .provider()
                .build(spec.model().params(), new ModelContext(data.info(), spec.spec().seed())));
        NDArray x =
            manager.create(
                data.train().features().data(), new Shape(data.train().features().shape()));
        NDArray y = manager.create(data.train().labels().data(), new Shape(n));
        train =
            new ArrayDataset.Builder()
                .setData(x)
                .optLabels(y)
                .setSampling(c.batch(), shuffle)
                .build();
        var optimizer =
            spec.optimizer()
                .provider()
                .build(spec.optimizer().params(), new OptimizerContext(batches, epochs));
        loss = spec.loss().provider().build(spec.loss().params(), data.info());
        DefaultTrainingConfig config =
            new DefaultTrainingConfig(loss)
                .optOptimizer(optimizer.optimizer())
                .optDevices(new Device[] {Device.cpu()});
        trainer = m.newTrainer(config);
        trainer.initialize(new Shape(c.batch(), 1, 28, 28));
        model = m;
      } catch (Exception | Error e) {
        if (m != null) {
          m.close();
        }
        manager.close();
        throw e;
      }
    }

    @Override
    public void close() {
      trainer.close();
      model.close();
      manager.close();
    }
  }

  /** The loop a DJL user writes by hand, from the same initial parameters as PyTorch. */
  static List<Double> bare(ResolvedSpec spec, Case c, DatasetSplits data, int epochs, int threads)
      throws Exception {
    JniUtils.setNumThreads(threads);
    Engine.getEngine("PyTorch").setRandomSeed(Long.hashCode(spec.spec().seed()));
    List<Double> times = new ArrayList<>();
    try (BareLoop loop = new BareLoop(spec, c, data, epochs, true, "bare")) {
      for (int e = 0; e < epochs; e++) {
        long start = System.nanoTime();
        for (Batch batch : loop.trainer.iterateDataset(loop.train)) {
          EasyTrain.trainBatch(loop.trainer, batch);
          loop.trainer.step();
          batch.close();
        }
        times.add((System.nanoTime() - start) / 1e9);
      }
    }
    return times;
  }

  static JsonObject pytorch(Path dir, Case c, int examples, int epochs, int threads, String isa)
      throws Exception {
    Path script =
        Path.of(System.getProperty("user.dir"), "tools", "bench", "python", "vs_pytorch.py");
    JsonObject args =
        new JsonObject()
            .put("dir", dir.toString())
            .put("model", c.id())
            .put("examples", examples)
            .put("epochs", epochs)
            .put("threads", threads)
            .put("batch", c.batch())
            .put("optimizer", c.optimizer())
            .put("lr", c.lr());
    ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.toString(), args.encode());
    Map<String, String> env = pb.environment();
    String openblas = "/usr/lib/x86_64-linux-gnu/openblas-openmp";
    if (!Files.isRegularFile(Path.of(openblas, "libblas.so.3"))) {
      throw new IllegalStateException(
          "libopenblas0-openmp is not installed ("
              + openblas
              + "); apt-get install -y libopenblas0-openmp");
    }
    env.put(
        "LD_LIBRARY_PATH",
        openblas + (env.containsKey("LD_LIBRARY_PATH") ? ":" + env.get("LD_LIBRARY_PATH") : ""));
    env.put("OMP_WAIT_POLICY", "PASSIVE");
    env.put("OMP_NUM_THREADS", Integer.toString(threads));
    if (isa.equalsIgnoreCase("native")) {
      env.remove("ONEDNN_MAX_CPU_ISA");
      env.remove("DNNL_MAX_CPU_ISA");
    } else {
      env.put("ONEDNN_MAX_CPU_ISA", isa);
      env.put("DNNL_MAX_CPU_ISA", isa);
    }
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("PyTorch run failed: " + out);
    }
    String last = out.strip().lines().reduce((a, b) -> b).orElse("{}");
    return new JsonObject(last);
  }

  private VsPytorchBench() {}
}
