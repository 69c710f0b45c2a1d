package dev.cairn.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.dataset.Batch;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.core.training.TorchThreads;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetSplits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which oneDNN ISA cap ({@code ONEDNN_MAX_CPU_ISA}) trains right and how fast, on this CPU. Each
 * run is a child JVM with the cap set (oneDNN reads it once, at its first primitive): the bare DJL
 * loop of {@code vs-pytorch} trains one of its models on the first {@code limit} Fashion-MNIST
 * examples in a fixed order (no shuffling) from the same seed, records every step's loss in the
 * first epoch and the time of every epoch. The parent rotates the order of the caps per round and
 * prints, per cap, the largest difference of the step losses from the first cap's (the reference,
 * SSE41 by default), whether any loss was NaN, and the median epoch time (first epoch dropped).
 * With {@code verbose} set, one extra pass per cap runs one epoch under {@code ONEDNN_VERBOSE=1}
 * and counts which oneDNN implementation executed each primitive.
 *
 * <p>Usage: {@code tools/bench/run onednn-isa [isas=SSE41,AVX2,AVX512_CORE,DEFAULT] [rounds=2]
 * [epochs=3] [limit=4000] [model=lenet|mlp|cnn-bn|cifar-quick|resnet] [threads=1] [verbose=false]};
 * {@code conv} and {@code gemmconv} (see {@link GemmConvBench}) check single convolutions.
 */
public final class OneDnnIsaBench {
  /** vs-pytorch's models, CIFAR-quick and a small ResNet, which were wrong above SSE41. */
  static final List<VsPytorchBench.Case> CASES = new ArrayList<>(VsPytorchBench.CASES);

  static {
    CASES.add(new VsPytorchBench.Case("cifar-quick", "{plugin: cifar-quick}", "sgd", 0.05, 128));
    CASES.add(
        new VsPytorchBench.Case(
            "resnet", "{plugin: resnet, blocks: [1, 1], channels: [4, 8]}", "adam", 0.01, 64));
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("child")) {
      child(args);
      return;
    }
    if (args.length > 0 && args[0].equals("gemmconv")) {
      GemmConvBench.run(args);
      return;
    }
    if (args.length > 0 && args[0].equals("conv")) {
      convolutions(args.length > 1 ? args[1] : null);
      return;
    }
    List<String> isas =
        List.of((args.length > 0 ? args[0] : "SSE41,AVX2,AVX512_CORE,DEFAULT").split(","));
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int limit = args.length > 3 ? Integer.parseInt(args[3]) : 4000;
    String model = args.length > 4 ? args[4] : "lenet";
    int threads = args.length > 5 ? Integer.parseInt(args[5]) : 1;
    boolean verbose = args.length > 6 && Boolean.parseBoolean(args[6]);
    String loadBefore = VsPytorchBench.loadAverage();
    Map<String, List<Double>> times = new LinkedHashMap<>();
    Map<String, double[]> losses = new LinkedHashMap<>();
    Map<String, Double> worst = new LinkedHashMap<>();
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < isas.size(); k++) {
        String isa = isas.get((k + r) % isas.size());
        JsonObject out = spawn(isa, epochs, limit, model, threads, false, null);
        List<Double> t = VsPytorchBench.doubles(out.getJsonArray("times"));
        times.computeIfAbsent(isa, x -> new ArrayList<>()).addAll(t.subList(1, t.size()));
        double[] l = toArray(out.getJsonArray("losses"));
        losses.putIfAbsent(isa, l);
        System.out.printf(
            Locale.ROOT,
            "round %d %-18s epochs %s s, step losses %.5f .. %.5f  (load %s)%n",
            r + 1,
            isa,
            t,
            l[0],
            l[l.length - 1],
            VsPytorchBench.loadAverage());
      }
    }
    double[] ref = losses.get(isas.get(0));
    for (String isa : isas) {
      double[] l = losses.get(isa);
      double d = 0;
      boolean nan = false;
      for (int i = 0; i < Math.min(l.length, ref.length); i++) {
        nan |= Double.isNaN(l[i]);
        d = Math.max(d, Math.abs(l[i] - ref[i]));
      }
      worst.put(isa, nan ? Double.NaN : d);
    }
    System.out.printf(
        Locale.ROOT,
        "%n%s, first %d Fashion-MNIST examples, %d thread(s), %d rounds x %d epochs (first"
            + " dropped); load average before %s, after %s%n",
        model,
        limit,
        threads,
        rounds,
        epochs,
        loadBefore,
        VsPytorchBench.loadAverage());
    System.out.printf(
        Locale.ROOT,
        "%-18s %10s %12s   %s%n",
        "ONEDNN_MAX_CPU_ISA",
        "s/epoch",
        "vs " + isas.get(0),
        "max |step loss - " + isas.get(0) + "| over " + ref.length + " steps of epoch 1");
    double base = TrainingOverheadBench.median(times.get(isas.get(0)));
    for (String isa : isas) {
      double m = TrainingOverheadBench.median(times.get(isa));
      System.out.printf(
          Locale.ROOT, "%-18s %10.3f %12.2f   %.3g%n", isa, m, m / base, worst.get(isa));
    }
    if (verbose) {
      for (String isa : isas) {
        Map<String, Integer> impls = new TreeMap<>();
        spawn(isa, 1, limit, model, threads, true, impls);
        System.out.printf(Locale.ROOT, "%nONEDNN_VERBOSE, %s, one epoch:%n", isa);
        impls.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %6d x %s%n", v, k));
      }
    }
  }

  static double[] toArray(JsonArray a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      Double v = a.getDouble(i);
      out[i] = v == null ? Double.NaN : v;
    }
    return out;
  }

  /** Runs one child JVM with the cap; returns its result line, counting verbose lines if asked. */
  static JsonObject spawn(
      String isa,
      int epochs,
      int limit,
      String model,
      int threads,
      boolean verbose,
      Map<String, Integer> impls)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    cmd.addAll(
        List.of(
            OneDnnIsaBench.class.getName(),
            "child",
            Integer.toString(epochs),
            Integer.toString(limit),
            model,
            Integer.toString(threads)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.remove("DNNL_MAX_CPU_ISA");
    if (isa.equals("DEFAULT")) {
      env.remove("ONEDNN_MAX_CPU_ISA");
    } else {
      env.put("ONEDNN_MAX_CPU_ISA", isa);
    }
    if (verbose) {
      env.put("ONEDNN_VERBOSE", "1");
    }
    Process p = pb.start();
    String last = "{}";
    StringBuilder text = new StringBuilder();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("onednn_verbose")) {
          if (impls != null) {
            String key = implKey(line);
            if (key != null) {
              impls.merge(key, 1, Integer::sum);
            } else if (line.contains(",info,") && line.contains("isa")) {
              impls.merge("info: " + line, 1, Integer::sum);
            }
          }
          continue;
        }
        if (line.startsWith("{")) {
          last = line;
        } else if (text.length() < 20_000) {
          text.append(line).append('\n');
        }
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException("child run (" + isa + ") failed:\n" + text);
    }
    return new JsonObject(last);
  }

  /** "convolution brgconv:avx512_core forward_training" from one verbose exec line. */
  static String implKey(String line) {
    String[] f = line.split(",");
    for (int i = 0; i + 4 < f.length; i++) {
      if (f[i].equals("exec") && f[i + 1].equals("cpu")) {
        return f[i + 2] + " " + f[i + 3] + " " + f[i + 4];
      }
    }
    return null;
  }

  static void child(String[] args) throws Exception {
    int epochs = Integer.parseInt(args[1]);
    int limit = Integer.parseInt(args[2]);
    String id = args[3];
    int threads = Integer.parseInt(args[4]);
    VsPytorchBench.Case c =
        CASES.stream()
            .filter(x -> x.id().equals(id))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("model is one of " + CASES));
    TorchThreads.configureDefaults();
    Path dir = Files.createTempDirectory("cairn-onednn-isa");
    try (Platform platform =
        Platform.start(new CairnOptions(dir.resolve("data"), null, null, true))) {
      ResolvedSpec spec =
          platform.runs().resolve(SpecParser.parse(c.spec(epochs, limit, threads), "bench"));
      DatasetSplits data =
          spec.dataset()
              .provider()
              .load(spec.dataset().params(), new DatasetContext(dir.resolve("data"), 1, true));
      JsonObject out = train(spec, c, data, epochs, threads);
      System.out.println(out.encode());
    }
  }

  /** The bare loop of vs-pytorch, in a fixed order, with every first-epoch step's loss. */
  static JsonObject train(
      ResolvedSpec spec, VsPytorchBench.Case c, DatasetSplits data, int epochs, int threads)
      throws Exception {
    Engine.getEngine("PyTorch").setRandomSeed(Long.hashCode(spec.spec().seed()));
    JniUtils.setNumThreads(threads); // after the engine has loaded libtorch
    JsonArray times = new JsonArray();
    JsonArray losses = new JsonArray();
    try (VsPytorchBench.BareLoop loop =
        new VsPytorchBench.BareLoop(spec, c, data, epochs, false, "isa")) {
      for (int e = 0; e < epochs; e++) {
        long start = System.nanoTime();
        for (Batch batch : loop.trainer.iterateDataset(loop.train)) {
          try (GradientCollector gc = loop.trainer.newGradientCollector()) {
            NDList pred = loop.trainer.forward(batch.getData());
            NDArray l = loop.loss.evaluate(batch.getLabels(), pred);
            gc.backward(l);
            if (e == 0) {
              float v = l.getFloat();
              losses.add(Float.isNaN(v) ? null : (double) v);
            }
          }
          loop.trainer.step();
          batch.close();
        }
        times.add((System.nanoTime() - start) / 1e9);
      }
    }
    return new JsonObject().put("times", times).put("losses", losses);
  }

  /**
   * {@code conv}: the forward convolutions (and their input and weight gradients) of LeNet,
   * CIFAR-quick and AlexNet-like first layers in this process's cap, against a plain loop in double
   * precision; prints the largest difference per shape (run with {@code ONEDNN_VERBOSE=1} to see
   * the implementation beside each); {@code conv "batch,in,out,size,kernel,stride,padding;..."}
   * checks those shapes instead.
   */
  static void convolutions(String only) {
    int[][] shapes = { // batch, in channels, out channels, size, kernel, stride, padding
      {256, 1, 6, 28, 5, 1, 2},
      {256, 6, 16, 14, 5, 1, 0}, // LeNet
      {8, 1, 20, 28, 5, 1, 0},
      {8, 20, 50, 12, 5, 1, 0}, // CIFAR-quick on 28 x 28
      {8, 3, 20, 32, 5, 1, 0},
      {8, 3, 4, 28, 11, 4, 1},
      {8, 1, 16, 28, 3, 1, 1}
    };
    if (only != null) { // "batch,in,out,size,kernel,stride,padding;..."
      String[] parts = only.split(";");
      shapes = new int[parts.length][];
      for (int i = 0; i < parts.length; i++) {
        shapes[i] =
            java.util.Arrays.stream(parts[i].split(",")).mapToInt(Integer::parseInt).toArray();
      }
    }
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      java.util.Random random = new java.util.Random(11);
      for (int[] c : shapes) {
        int n = c[0], ic = c[1], oc = c[2], h = c[3], k = c[4], st = c[5], pad = c[6];
        float[] x = new float[n * ic * h * h];
        float[] w = new float[oc * ic * k * k];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < w.length; i++) {
          w[i] = (float) (random.nextGaussian() / Math.sqrt(ic * k * k));
        }
        NDArray xa = manager.create(x, new Shape(n, ic, h, h));
        NDArray wa = manager.create(w, new Shape(oc, ic, k, k));
        xa.setRequiresGradient(true);
        wa.setRequiresGradient(true);
        int o = (h + 2 * pad - k) / st + 1;
        float[] g = new float[n * oc * o * o]; // d loss / d output, for the input gradient
        for (int i = 0; i < g.length; i++) {
          g[i] = (float) random.nextGaussian();
        }
        float[] y;
        float[] dx;
        float[] dw;
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
          NDArray ya =
              ai.djl.nn.convolutional.Conv2d.conv2d(
                      xa, wa, null, new Shape(st, st), new Shape(pad, pad), new Shape(1, 1), 1)
                  .singletonOrThrow();
          y = ya.toFloatArray();
          gc.backward(ya.mul(manager.create(g, ya.getShape())).sum());
          dx = xa.getGradient().toFloatArray();
          dw = wa.getGradient().toFloatArray();
        }
        double[][] ref =
            GemmConvBench.reference(x, w, new float[oc], g, n, ic, oc, h, k, st, pad, o);
        double worst = GemmConvBench.maxDiff(y, ref[0]);
        double worstDx = GemmConvBench.maxDiff(dx, ref[1]);
        double worstDw = GemmConvBench.maxDiff(dw, ref[2]);
        System.out.printf(
            Locale.ROOT,
            "conv mb%d ic%d oc%d %dx%d k%d s%d p%d: max |DJL - reference| forward %.3g,"
                + " input gradient %.3g, weight gradient %.3g%n",
            n,
            ic,
            oc,
            h,
            h,
            k,
            st,
            pad,
            worst,
            worstDx,
            worstDw);
      }
    }
  }

  private OneDnnIsaBench() {}
}
