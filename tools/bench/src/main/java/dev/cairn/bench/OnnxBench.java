package dev.cairn.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.cairn.core.onnx.ConverterRegistry;
import dev.cairn.core.onnx.ExportVerifier;
import dev.cairn.core.onnx.OnnxExporter;
import dev.cairn.core.onnx.OrtSupport;
import dev.cairn.plugins.models.MlpModel;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiVerticle;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.Params;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ONNX Runtime vs DJL's own predictor, and the REST predict endpoint. (1) In-process latency of the
 * same trained-shape MLP 784-256-10 (the mlp plugin) and a LeNet-5 (hand-built DJL blocks) at batch
 * 1 and 256: DJL {@code Predictor} (PyTorch engine) and an ORT session on Cairn's export of that
 * very block; rounds alternate the two. (2) Throughput of {@code POST /api/models/{id}/predict}
 * under a bounded local load loop on 127.0.0.1 (C clients, each with one request in flight) next to
 * in-process ORT calls of the same size. Weights are random: speed does not depend on them.
 *
 * <p>Usage: {@code tools/bench/run onnx [rounds=5] [seconds=10] [clients=8]}
 */
public final class OnnxBench {
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    System.out.printf(
        Locale.ROOT,
        "%d cores, %s, ONNX Runtime %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.arch"),
        OrtSupport.environment().getVersion());
    Block mlp =
        new MlpModel()
            .build(
                Params.of(new MlpModel().params(), Map.of()),
                new ModelContext(DatasetInfo.classification(new long[] {1, 28, 28}, labels()), 1));
    byte[] mlpOnnx = latency("MLP 784-256-10", mlp, new long[] {1, 28, 28}, rounds);
    latency("LeNet-5", lenet(), new long[] {1, 28, 28}, rounds);
    rest(mlpOnnx, seconds, clients);
  }

  static List<String> labels() {
    List<String> l = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      l.add("c" + i);
    }
    return l;
  }

  static Block lenet() {
    return new SequentialBlock()
        .add(
            Conv2d.builder()
                .setKernelShape(new Shape(5, 5))
                .setFilters(6)
                .optPadding(new Shape(2, 2))
                .build())
        .add(Activation.sigmoidBlock())
        .add(Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(16).build())
        .add(Activation.sigmoidBlock())
        .add(Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(120).build())
        .add(Activation.sigmoidBlock())
        .add(Linear.builder().setUnits(84).build())
        .add(Activation.sigmoidBlock())
        .add(Linear.builder().setUnits(10).build());
  }

  /** Float batch in, float values out: DJL's predictor path with the conversion a server does. */
  static final class FloatTranslator implements Translator<float[], float[]> {
    private final long[] shape;

    FloatTranslator(long[] shape) {
      this.shape = shape;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[] input) {
      return new NDList(ctx.getNDManager().create(input, new Shape(shape)));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
      return list.singletonOrThrow().toFloatArray();
    }

    @Override
    public Batchifier getBatchifier() {
      return null;
    }
  }

  /** Prints median latencies of DJL and ORT at batch 1 and 256; returns the export. */
  static byte[] latency(String name, Block block, long[] example, int rounds) throws Exception {
    byte[] onnx;
    try (Model model = Model.newInstance(name, Device.cpu(), "PyTorch")) {
      model.setBlock(block);
      // parameters live in the model's manager, closed with the model
      block.initialize(
          model.getNDManager(), DataType.FLOAT32, new Shape(ExportVerifier.prepend(8, example)));
      ExportVerifier.Reference ref =
          ExportVerifier.reference(block, model.getNDManager(), example, 1);
      onnx =
          OnnxExporter.export(
                  block,
                  new Shape(ref.inputShape()),
                  new Shape(ref.outputShape()),
                  ConverterRegistry.builtIn(),
                  name,
                  Map.of(),
                  "")
              .toByteArray();
      ExportVerifier.verify(onnx, ref);
      OrtEnvironment env = OrtSupport.environment();
      System.out.printf(
          Locale.ROOT,
          "%n%s (%,d bytes of ONNX): median milliseconds per call%n",
          name,
          onnx.length);
      System.out.printf(Locale.ROOT, "%-6s %10s %10s %12s%n", "batch", "DJL", "ORT", "DJL / ORT");
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
          OrtSession session = env.createSession(onnx, options)) {
        for (int batch : new int[] {1, 256}) {
          long[] shape = ExportVerifier.prepend(batch, example);
          float[] input = ExportVerifier.probe(example, batch, 3);
          int iterations = batch == 1 ? 2000 : 40;
          List<Double> djl = new ArrayList<>();
          List<Double> ort = new ArrayList<>();
          try (Predictor<float[], float[]> predictor =
              model.newPredictor(new FloatTranslator(shape))) {
            for (int r = 0; r <= rounds; r++) { // round 0 warms up
              double d = time(iterations, () -> predictor.predict(input));
              double o = time(iterations, () -> ortRun(env, session, input, shape));
              if (r > 0) {
                djl.add(d);
                ort.add(o);
              }
            }
          }
          double md = median(djl);
          double mo = median(ort);
          System.out.printf(Locale.ROOT, "%-6d %10.4f %10.4f %11.2fx%n", batch, md, mo, md / mo);
        }
      }
    }
    return onnx;
  }

  interface Call {
    void run() throws Exception;
  }

  static double time(int iterations, Call call) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      call.run();
    }
    return (System.nanoTime() - start) / 1e6 / iterations;
  }

  static float[] ortRun(OrtEnvironment env, OrtSession session, float[] input, long[] shape)
      throws Exception {
    try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
        OrtSession.Result result = session.run(Map.of("input", x))) {
      FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
      float[] values = new float[out.remaining()];
      out.get(values);
      return values;
    }
  }

  /** REST predict throughput with {@code clients} closed-loop clients, next to in-process ORT. */
  static void rest(byte[] onnx, int seconds, int clients) throws Exception {
    Path dataDir = Files.createTempDirectory("cairn-onnx-bench");
    try (Platform platform = Platform.start(new CairnOptions(dataDir, null, null, true))) {
      ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0);
      platform
          .vertx()
          .deployVerticle(api)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      String base = "http://127.0.0.1:" + api.actualPort();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<String> up =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/models?name=bench-mlp"))
                  .header("Content-Type", "application/octet-stream")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(onnx))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      String id = new JsonObject(up.body()).getString("id");
      System.out.printf(
          Locale.ROOT,
          "%nREST POST /api/models/%s/predict, MLP, %d closed-loop clients on 127.0.0.1, %d s each%n",
          id,
          clients,
          seconds);
      System.out.printf(
          Locale.ROOT,
          "%-6s %12s %14s %10s %10s %16s %10s%n",
          "batch",
          "requests/s",
          "examples/s",
          "p50 ms",
          "p99 ms",
          "in-process ORT/s",
          "REST/ORT");
      OrtEnvironment env = OrtSupport.environment();
      for (int batch : new int[] {1, 32}) {
        float[] input = ExportVerifier.probe(new long[] {784}, batch, 5);
        StringBuilder body = new StringBuilder("[");
        for (int b = 0; b < batch; b++) {
          body.append(b == 0 ? "[" : ",[");
          for (int i = 0; i < 784; i++) {
            body.append(i == 0 ? "" : ",").append(input[b * 784 + i]);
          }
          body.append(']');
        }
        String json = body.append(']').toString();
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(base + "/api/models/" + id + "/predict"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        load(http, request, clients, 2); // warm-up
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long count = load(http, request, clients, seconds, latencies);
        double rps = count / (double) seconds;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        double p50 = sorted.get(sorted.size() / 2) / 1e6;
        double p99 = sorted.get((int) (sorted.size() * 0.99)) / 1e6;
        long[] shape = {batch, 1, 28, 28};
        double ortMs;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            OrtSession session = env.createSession(onnx, options)) {
          time(200, () -> ortRun(env, session, input, shape));
          ortMs = time(batch == 1 ? 5000 : 1000, () -> ortRun(env, session, input, shape));
        }
        double ortPerSecond = 1000 / ortMs;
        System.out.printf(
            Locale.ROOT,
            "%-6d %12.0f %14.0f %10.2f %10.2f %16.0f %9.2fx%n",
            batch,
            rps,
            rps * batch,
            p50,
            p99,
            ortPerSecond,
            rps / ortPerSecond);
      }
    }
  }

  static long load(HttpClient http, HttpRequest request, int clients, int seconds)
      throws Exception {
    return load(http, request, clients, seconds, null);
  }

  /**
   * Runs {@code clients} loops, each sending the next request when the last answered; returns how
   * many answered 200.
   */
  static long load(
      HttpClient http, HttpRequest request, int clients, int seconds, List<Long> latencies)
      throws Exception {
    return closedLoops(
        clients,
        seconds,
        (end, ok) -> {
          while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) {
              throw new IllegalStateException("predict answered " + r.statusCode());
            }
            if (latencies != null) {
              latencies.add(System.nanoTime() - t0);
            }
            ok.incrementAndGet();
          }
        });
  }

  /** One client's closed loop: runs until {@code System.nanoTime()} reaches {@code end}. */
  interface ClientLoop {
    void run(long end, AtomicLong ok) throws Exception;
  }

  /**
   * Runs {@code clients} copies of {@code loop}, each on its own thread, for {@code seconds};
   * returns the count the loops added to {@code ok}. A loop that throws fails the whole run.
   */
  static long closedLoops(int clients, int seconds, ClientLoop loop) throws Exception {
    AtomicLong ok = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> loops = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        loops.add(
            pool.submit(
                () -> {
                  loop.run(end, ok);
                  return null;
                }));
      }
      for (Future<?> f : loops) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return ok.get();
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
