package dev.cairn.bench;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import dev.cairn.core.onnx.OrtSupport;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiVerticle;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Serving cost over ONNX Runtime's own session time, for an MLP 784-256-10 (random weights): per
 * request, one client at a time, median of N, at batch 1 and 256 for (a) Cairn's JSON predict
 * route, (b) the Open Inference Protocol with JSON data and (c) with binary tensors; then 8
 * closed-loop clients' throughput; then {@code cairn predict FILE.onnx} end to end from the
 * distribution when {@code cairn.home} names one.
 *
 * <p>Every HTTP figure is taken with two clients: the JDK's {@code HttpClient} (its selector thread
 * and executor hand each request and response between threads) and {@link LeanHttp}, one plain
 * keep-alive socket that writes the whole request at once and reads the response by Content-Length
 * on the caller's thread, as Triton's perf_analyzer does with its C++ client. The lean client's
 * figures are the server's cost; the difference is the JDK client's.
 *
 * <p>The sequential figures are taken in rounds that alternate the variants (ORT, then each route
 * through either client; reversed every other round) and report the median of the round medians,
 * with the load average before and after: on a shared machine only ratios within one run mean much.
 * Every variant first warms up (2,000 calls or 2 s; the in-request figures 20,000 calls or 5 s) so
 * that the JIT has compiled the server's path. ORT runs with the server's own session options (no
 * CPU memory arena) on a direct buffer. "HTTP floor" is {@code GET /v2/health/ready} (answered on
 * the event loop, no body, no worker): what loopback HTTP and the client cost by themselves on this
 * machine at this load.
 *
 * <p>Usage: {@code tools/bench/run serving [requests=200] [seconds=5] [clients=8] [rounds=5]}
 */
public final class ServingBench {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    byte[] onnx = mlp();
    OrtEnvironment env = OrtSupport.environment();
    Path dataDir = Files.createTempDirectory("cairn-serving-bench");
    try (Platform platform = Platform.start(new CairnOptions(dataDir, null, null, true));
        OrtSession.SessionOptions options = serverOptions();
        OrtSession session = env.createSession(onnx, options)) {
      ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0);
      platform
          .vertx()
          .deployVerticle(api)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      String base = "http://127.0.0.1:" + api.actualPort();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String id =
          new JsonObject(
                  http.send(
                          HttpRequest.newBuilder(URI.create(base + "/api/models?name=bench-mlp"))
                              .header("Content-Type", "application/octet-stream")
                              .POST(HttpRequest.BodyPublishers.ofByteArray(onnx))
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body())
              .getString("id");
      System.out.printf(
          Locale.ROOT,
          "%d cores; MLP 784-256-10; %d rounds of %d sequential requests, median of the"
              + " round medians (ms); load average %s%n",
          Runtime.getRuntime().availableProcessors(),
          rounds,
          n / rounds,
          loadAverage());
      int port = api.actualPort();
      LeanHttp lean = new LeanHttp("127.0.0.1", port);
      byte[] leanFloor = lean.get("/v2/health/ready");
      System.out.printf(
          Locale.ROOT,
          "%-6s %-6s %8s %10s %12s %12s %12s %14s %14s%n",
          "batch",
          "client",
          "ORT",
          "HTTP floor",
          "api JSON",
          "v2 JSON",
          "v2 binary",
          "binary - ORT",
          "binary / ORT");
      HttpRequest floor =
          HttpRequest.newBuilder(URI.create(base + "/v2/health/ready")).GET().build();
      List<String> inRequest = new ArrayList<>();
      List<String> inRequestLean = new ArrayList<>();
      for (int batch : new int[] {1, 256}) {
        float[] x = new float[batch * 784];
        Random r = new Random(batch);
        for (int i = 0; i < x.length; i++) {
          x[i] = r.nextFloat();
        }
        long[] shape = {batch, 784};
        // a direct buffer, as the server hands binary inputs to ONNX Runtime: a heap buffer would
        // be copied into fresh direct memory on every call (2.4 ms at batch 256, more than the run)
        FloatBuffer direct =
            ByteBuffer.allocateDirect(x.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.put(x).flip();
        HttpRequest apiJson =
            post(base + "/api/models/" + id + "/predict", nested(x, batch).getBytes(), null);
        byte[] v2JsonBody =
            ("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\","
                    + "\"shape\":["
                    + batch
                    + ",784],\"data\":"
                    + Arrays.toString(x)
                    + "}]}")
                .getBytes();
        HttpRequest v2Json = post(base + "/v2/models/" + id + "/infer", v2JsonBody, null);
        byte[] header =
            ("{\"parameters\":{\"binary_data_output\":true},\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\","
                    + "\"shape\":["
                    + batch
                    + ",784],\"parameters\":{\"binary_data_size\":"
                    + x.length * 4
                    + "}}]}")
                .getBytes();
        ByteBuffer body =
            ByteBuffer.allocate(header.length + x.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        body.put(header);
        for (float v : x) {
          body.putFloat(v);
        }
        HttpRequest v2Binary =
            post(base + "/v2/models/" + id + "/infer", body.array(), header.length);
        byte[] leanApi =
            lean.post("/api/models/" + id + "/predict", nested(x, batch).getBytes(), null);
        byte[] leanJson = lean.post("/v2/models/" + id + "/infer", v2JsonBody, null);
        byte[] leanBinary = lean.post("/v2/models/" + id + "/infer", body.array(), header.length);
        List<Call> calls =
            List.of(
                () -> {
                  try (OnnxTensor t = OnnxTensor.createTensor(env, direct, shape);
                      OrtSession.Result res = session.run(Map.of("x", t))) {
                    res.get(0);
                  }
                },
                () -> send(http, apiJson),
                () -> send(http, v2Json),
                () -> send(http, v2Binary),
                () -> send(http, floor),
                () -> lean.send(leanApi),
                () -> lean.send(leanJson),
                () -> lean.send(leanBinary),
                () -> lean.send(leanFloor));
        double[] m = alternating(calls, rounds, Math.max(5, n / rounds));
        for (int c = 0; c < 2; c++) {
          double ort = m[0];
          double a = m[1 + 4 * c];
          double j = m[2 + 4 * c];
          double b = m[3 + 4 * c];
          double f = m[4 + 4 * c];
          System.out.printf(
              Locale.ROOT,
              "%-6d %-6s %8.3f %10.3f %12.3f %12.3f %12.3f %14.3f %13.1fx%n",
              batch,
              c == 0 ? "JDK" : "lean",
              ort,
              f,
              a,
              j,
              b,
              b - ort,
              b / ort);
        }
        inRequestLean.add(inRequest(lean, leanBinary, leanFloor, batch, n));
        inRequest.add(inRequest(http, v2Binary, floor, batch, n));
      }
      System.out.println(
          "\nv2 binary against the session time the server measured in the same request"
              + " (parameters.session_ms: session.run alone), medians of "
              + n
              + " requests, each pass after "
              + IN_REQUEST_WARM_UP_CALLS
              + " warm-up calls or "
              + IN_REQUEST_WARM_UP_SECONDS
              + " s:");
      System.out.println(" JDK HttpClient:");
      inRequest.forEach(System.out::println);
      System.out.println(" lean client (one socket, the request written at once):");
      inRequestLean.forEach(System.out::println);
      float[] one = new float[784];
      HttpRequest apiOne =
          post(base + "/api/models/" + id + "/predict", nested(one, 1).getBytes(), null);
      byte[] h1 =
          ("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,784],"
                  + "\"parameters\":{\"binary_data_size\":3136}}]}")
              .getBytes();
      byte[] b1 = Arrays.copyOf(h1, h1.length + 3136);
      HttpRequest v2One = post(base + "/v2/models/" + id + "/infer", b1, h1.length);
      System.out.printf(
          Locale.ROOT,
          "%n%d closed-loop clients, batch 1, %d s each: api JSON %.0f requests/s, v2 binary %.0f"
              + " requests/s%n",
          clients,
          seconds,
          throughput(http, apiOne, clients, seconds),
          throughput(http, v2One, clients, seconds));
      System.out.printf(
          Locale.ROOT,
          "%d closed-loop lean clients, batch 1, %d s each: api JSON %.0f requests/s, v2 binary"
              + " %.0f requests/s%n",
          clients,
          seconds,
          leanThroughput(
              port,
              "/api/models/" + id + "/predict",
              nested(one, 1).getBytes(),
              null,
              clients,
              seconds),
          leanThroughput(port, "/v2/models/" + id + "/infer", b1, h1.length, clients, seconds));
      lean.close();
      System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
    }
    String home = System.getProperty("cairn.home");
    if (home != null) {
      Path file = dataDir.resolve("mlp.onnx");
      Files.write(file, onnx);
      Path input = dataDir.resolve("x.json");
      Files.writeString(input, nested(new float[784], 1));
      List<Double> walls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        long t0 = System.nanoTime();
        Process p =
            new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dcairn.home=" + home,
                    "-cp",
                    home + "/lib/*",
                    "dev.cairn.server.cli.CairnCli",
                    "predict",
                    file.toString(),
                    "--input",
                    input.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        int rc = p.waitFor();
        walls.add((System.nanoTime() - t0) / 1e9);
        if (rc != 0) {
          System.out.println("cairn predict exited " + rc);
        }
      }
      System.out.printf(Locale.ROOT, "%ncairn predict FILE.onnx end to end: %s s%n", walls);
    }
  }

  interface Call {
    void run() throws Exception;
  }

  /**
   * End to end vs the server's own session.run time, per request: the overhead Cairn adds; and that
   * overhead less the HTTP floor ({@code GET /v2/health/ready}) timed right before each request,
   * i.e. what the infer route adds beyond what any request costs on this machine at this load.
   */
  static String inRequest(HttpClient http, HttpRequest request, HttpRequest floor, int batch, int n)
      throws Exception {
    return inRequest(
        () -> send(http, floor),
        () -> {
          HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
          int json =
              Integer.parseInt(
                  r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
          return sessionMs(r.body(), json);
        },
        batch,
        n);
  }

  /** As above through the lean client. */
  static String inRequest(LeanHttp lean, byte[] request, byte[] floor, int batch, int n)
      throws Exception {
    return inRequest(
        () -> lean.send(floor),
        () -> {
          lean.send(request);
          return sessionMs(lean.body, lean.inferenceHeaderLength);
        },
        batch,
        n);
  }

  interface Timed {
    /** Sends the request; returns the server's parameters.session_ms. */
    double run() throws Exception;
  }

  static double sessionMs(byte[] body, int jsonLength) {
    return new JsonObject(new String(body, 0, jsonLength, StandardCharsets.UTF_8))
        .getJsonObject("parameters")
        .getDouble("session_ms");
  }

  static String inRequest(Call floor, Timed request, int batch, int n) throws Exception {
    // the server's whole path compiled by C2 first: after 300 calls it still ran partly
    // interpreted or C1 code (batch-1 overhead 0.34 ms then, 0.16-0.25 ms after 20,000 calls)
    warmUp(
        () -> {
          floor.run();
          request.run();
        },
        IN_REQUEST_WARM_UP_CALLS,
        IN_REQUEST_WARM_UP_SECONDS);
    List<Double> total = new ArrayList<>();
    List<Double> session = new ArrayList<>();
    List<Double> over = new ArrayList<>();
    List<Double> floors = new ArrayList<>();
    List<Double> beyond = new ArrayList<>();
    for (int i = 0; i < n + 10; i++) {
      long f0 = System.nanoTime();
      floor.run();
      double f = (System.nanoTime() - f0) / 1e6;
      long t0 = System.nanoTime();
      double s = request.run();
      double ms = (System.nanoTime() - t0) / 1e6;
      if (i >= 10) {
        total.add(ms);
        session.add(s);
        over.add(ms - s);
        floors.add(f);
        beyond.add(ms - s - f);
      }
    }
    Collections.sort(total);
    Collections.sort(session);
    Collections.sort(over);
    Collections.sort(floors);
    Collections.sort(beyond);
    return String.format(
        Locale.ROOT,
        "  batch %d: end to end %.3f ms, session.run %.3f ms, overhead %.3f ms (%.2fx);"
            + " HTTP floor %.3f ms, overhead beyond the floor %.3f ms",
        batch,
        total.get(n / 2),
        session.get(n / 2),
        over.get(n / 2),
        total.get(n / 2) / session.get(n / 2),
        floors.get(n / 2),
        beyond.get(n / 2));
  }

  /** The server's session options (ExecutionProviders: no CPU memory arena). */
  static OrtSession.SessionOptions serverOptions() throws Exception {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    o.setCPUArenaAllocator(false);
    return o;
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * Per call, the median over rounds of the median of {@code perRound} timed calls; rounds
   * alternate the order.
   */
  static double[] alternating(List<Call> calls, int rounds, int perRound) throws Exception {
    List<List<Double>> medians = new ArrayList<>();
    for (Call c : calls) {
      medians.add(new ArrayList<>());
      warmUp(c, 2_000, 2);
    }
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < calls.size(); k++) {
        int i = r % 2 == 0 ? k : calls.size() - 1 - k;
        medians.get(i).add(median(perRound, calls.get(i)));
      }
    }
    double[] out = new double[calls.size()];
    for (int i = 0; i < out.length; i++) {
      List<Double> m = medians.get(i);
      Collections.sort(m);
      out[i] = m.get(m.size() / 2);
    }
    return out;
  }

  /** Warm-up before the in-request figures: calls or seconds, whichever comes first. */
  static final int IN_REQUEST_WARM_UP_CALLS = 20_000;

  static final int IN_REQUEST_WARM_UP_SECONDS = 5;

  /**
   * Runs {@code call} until the JIT has compiled the path: {@code calls} calls or {@code seconds},
   * whichever comes first (a few calls leave the server's path interpreted; at batch 1 the first
   * hundreds of requests took 2-3x the later ones on 2 cores, and C2 compiles a method only after
   * some 10,000 invocations).
   */
  static void warmUp(Call call, int calls, int seconds) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    for (int i = 0; i < calls && System.nanoTime() < end; i++) {
      call.run();
    }
  }

  static double median(int n, Call call) throws Exception {
    for (int i = 0; i < Math.max(5, n / 10); i++) {
      call.run();
    }
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      call.run();
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    Collections.sort(ms);
    return ms.get(n / 2);
  }

  /**
   * Requests per second of {@code clients} closed loops through a JDK client of their own: the
   * shared one's pooled connections may have sat idle past the server's 30 s keep-alive limit
   * during the passes before, and the JDK client can hand out a connection the server is closing
   * ("header parser received no bytes").
   */
  static double throughput(HttpClient shared, HttpRequest request, int clients, int seconds)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().version(shared.version()).build();
    OnnxBench.load(http, request, clients, 1);
    return OnnxBench.load(http, request, clients, seconds) / (double) seconds;
  }

  /** Requests per second of {@code clients} closed loops, each on its own lean connection. */
  static double leanThroughput(
      int port, String path, byte[] body, Integer headerLength, int clients, int seconds)
      throws Exception {
    OnnxBench.ClientLoop loop =
        (end, ok) -> {
          try (LeanHttp lean = new LeanHttp("127.0.0.1", port)) {
            byte[] request = lean.post(path, body, headerLength);
            while (System.nanoTime() < end) {
              lean.send(request);
              ok.incrementAndGet();
            }
          }
        };
    OnnxBench.closedLoops(clients, 1, loop); // the first second warms up
    return OnnxBench.closedLoops(clients, seconds, loop) / (double) seconds;
  }

  static HttpRequest post(String url, byte[] body, Integer headerLength) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (headerLength != null) {
      b.header("Inference-Header-Content-Length", String.valueOf(headerLength));
    }
    return b.header(
            "Content-Type", headerLength == null ? "application/json" : "application/octet-stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  static void send(HttpClient http, HttpRequest r) throws Exception {
    HttpResponse<byte[]> res = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
    if (res.statusCode() != 200) {
      throw new IllegalStateException(res.statusCode() + " " + new String(res.body()));
    }
  }

  static String nested(float[] x, int batch) {
    StringBuilder s = new StringBuilder("[");
    int width = x.length / batch;
    for (int b = 0; b < batch; b++) {
      s.append(b == 0 ? "[" : ",[");
      for (int i = 0; i < width; i++) {
        s.append(i == 0 ? "" : ",").append(x[b * width + i]);
      }
      s.append(']');
    }
    return s.append(']').toString();
  }

  /** MLP 784-256-10 (MatMul, Add, Relu) with random weights, batch dimension free. */
  static byte[] mlp() {
    Random r = new Random(7);
    OnnxMl.GraphProto.Builder g =
        OnnxMl.GraphProto.newBuilder()
            .setName("mlp")
            .addInitializer(weights("w1", r, 784, 256))
            .addInitializer(weights("b1", r, 256))
            .addInitializer(weights("w2", r, 256, 10))
            .addInitializer(weights("b2", r, 10))
            .addNode(node("MatMul", "h0", "x", "w1"))
            .addNode(node("Add", "h1", "h0", "b1"))
            .addNode(node("Relu", "h2", "h1"))
            .addNode(node("MatMul", "h3", "h2", "w2"))
            .addNode(node("Add", "y", "h3", "b2"))
            .addInput(value("x", 784))
            .addOutput(value("y", 10));
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("bench")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17))
        .setGraph(g)
        .build()
        .toByteArray();
  }

  static OnnxMl.NodeProto node(String op, String out, String... in) {
    return OnnxMl.NodeProto.newBuilder()
        .setOpType(op)
        .addAllInput(List.of(in))
        .addOutput(out)
        .build();
  }

  static OnnxMl.TensorProto weights(String name, Random r, long... dims) {
    int count = (int) Arrays.stream(dims).reduce(1, (a, b) -> a * b);
    ByteBuffer b = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      b.putFloat((float) (r.nextGaussian() * 0.05));
    }
    OnnxMl.TensorProto.Builder t =
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
            .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  static OnnxMl.ValueInfoProto value(String name, long width) {
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(
                            OnnxMl.TensorShapeProto.newBuilder()
                                .addDim(
                                    OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                        .setDimParam("batch"))
                                .addDim(
                                    OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                        .setDimValue(width)))))
        .build();
  }
}
