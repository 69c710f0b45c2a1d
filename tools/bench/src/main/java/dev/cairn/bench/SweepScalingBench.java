package dev.cairn.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sweep of short trials on a cluster of JVMs on this machine: a head ({@code serve --cluster})
 * and 1, then 2, workers ({@code worker --cluster --join}), all from the assembled distribution.
 * Reports the sweep's wall time per worker count, how busy the workers were, and the head's
 * overhead per trial from the trials' own timestamps: dispatch -> the worker reports RUNNING (spec
 * resolution, dataset load), RUNNING -> first metric at the head (model set-up, first batches),
 * first metric -> first stored (the writer's flush), and dispatch -> first metric stored.
 *
 * <p>Usage: {@code tools/bench/run sweep-scaling [trials=16] [epochs=2] [limit=4000]
 * [torchThreads=0]} (needs the distribution: {@code mvn -DskipTests -pl platform/dist -am package})
 */
public final class SweepScalingBench {
  static final Path HOME =
      Path.of(System.getProperty("cairn.home", "platform/dist/target/cairn")).toAbsolutePath();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int limit = args.length > 2 ? Integer.parseInt(args[2]) : 4000;
    int torchThreads = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    if (!Files.isDirectory(HOME.resolve("lib"))) {
      System.err.println(
          "no distribution at "
              + HOME
              + "; build it: mvn -DskipTests -pl platform/dist -am package");
      System.exit(2);
    }
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < trials; i++) {
      values
          .append(i == 0 ? "" : ", ")
          .append(
              String.format(
                  Locale.ROOT, "%.5f", 0.01 * Math.pow(30, (double) i / Math.max(1, trials - 1))));
    }
    System.out.printf(
        Locale.ROOT,
        "sweep of %d trials: MLP 784-128-10 on Fashion-MNIST (limit %d), %d epochs each, grid over lr;"
            + " head + N worker JVMs on 127.0.0.1, %d cores%n",
        trials,
        limit,
        epochs,
        Runtime.getRuntime().availableProcessors());
    List<double[]> rows = new ArrayList<>();
    for (int workers : new int[] {1, 2}) {
      rows.add(run(workers, trials, epochs, limit, torchThreads, values.toString()));
    }
    System.out.printf(
        Locale.ROOT,
        "%nspeed-up with 2 workers: %.2fx (wall %.1f s -> %.1f s)%n",
        rows.get(0)[0] / rows.get(1)[0],
        rows.get(0)[0],
        rows.get(1)[0]);
  }

  static double[] run(
      int workers, int trials, int epochs, int limit, int torchThreads, String values)
      throws Exception {
    Path data = Files.createTempDirectory("cairn-sweep-bench");
    List<Process> processes = new ArrayList<>();
    try {
      int port = freePort();
      Path headLog = data.resolve("head.log");
      processes.add(
          start(
              headLog,
              "serve",
              "--cluster",
              "--cluster-port",
              Integer.toString(port),
              "--port",
              "0",
              "--data-dir",
              data.resolve("head").toString(),
              "--offline"));
      for (int w = 1; w <= workers; w++) {
        List<String> args =
            new ArrayList<>(
                List.of(
                    "worker",
                    "--cluster",
                    "--join",
                    "127.0.0.1:" + port,
                    "--cluster-port",
                    Integer.toString(port + 1),
                    "--data-dir",
                    data.resolve("w" + w).toString(),
                    "--offline"));
        if (torchThreads > 0) {
          args.addAll(List.of("--torch-threads", Integer.toString(torchThreads)));
        }
        processes.add(start(data.resolve("w" + w + ".log"), args.toArray(String[]::new)));
      }
      String base =
          await(
              180,
              () -> {
                Matcher m =
                    Pattern.compile("serving (http://[^/]+)/api/runs")
                        .matcher(Files.readString(headLog));
                return m.find() ? m.group(1) : null;
              });
      await(
          180,
          () ->
              get(base + "/api/cluster/workers").getJsonArray("workers").size() == workers
                  ? true
                  : null);
      String sweep =
          """
          name: bench-%d
          spec:
            epochs: %d
            device: cpu
            logging: {everySteps: 10}
            dataset: {plugin: fashion-mnist, batchSize: 128, limit: %d}
            model: {plugin: mlp, hidden: [128]}
            optimizer: {plugin: sgd, lr: 0.1}
            loss: softmax-cross-entropy
          method: grid
          metric: {name: epoch/test_accuracy, goal: maximize}
          parameters:
            optimizer.lr: {values: [%s]}
          parallel: %d
          """
              .formatted(workers, epochs, limit, values, workers);
      long t0 = System.nanoTime();
      HttpResponse<String> posted =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/api/sweeps"))
                  .header("Content-Type", "text/yaml")
                  .POST(HttpRequest.BodyPublishers.ofString(sweep))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (posted.statusCode() != 202) {
        throw new IllegalStateException("sweep not accepted: " + posted.body());
      }
      String id = new JsonObject(posted.body()).getString("id");
      await(
          3600,
          () ->
              get(base + "/api/sweeps/" + id).getString("status").equals("FINISHED") ? true : null);
      double wall = (System.nanoTime() - t0) / 1e9;
      JsonArray list = get(base + "/api/sweeps/" + id + "/trials").getJsonArray("trials");
      List<Double> start = new ArrayList<>();
      List<Double> firstMetric = new ArrayList<>();
      List<Double> flush = new ArrayList<>();
      List<Double> overhead = new ArrayList<>();
      List<Double> busy = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        JsonObject t = list.getJsonObject(i);
        Instant dispatched = at(t, "dispatchedAt");
        Instant running = at(t, "runningAt");
        Instant metric = at(t, "firstMetricAt");
        Instant stored = at(t, "firstStoredAt");
        Instant ended = at(t, "endedAt");
        start.add(seconds(dispatched, running));
        firstMetric.add(seconds(running, metric));
        flush.add(seconds(metric, stored));
        overhead.add(seconds(dispatched, stored));
        busy.add(seconds(dispatched, ended));
      }
      double busySum = busy.stream().mapToDouble(Double::doubleValue).sum();
      System.out.printf(
          Locale.ROOT,
          "%n%d worker(s): wall %.1f s for %d trials (%.1f trials/min), workers busy %.0f %% of the wall time%n",
          workers,
          wall,
          list.size(),
          list.size() * 60 / wall,
          100 * busySum / (wall * workers));
      System.out.printf(
          Locale.ROOT,
          "  per trial, median [p90]: dispatch->RUNNING %s | RUNNING->first metric at head %s |"
              + " first metric->stored %s | dispatch->first metric stored %s | dispatch->end %s%n",
          stat(start),
          stat(firstMetric),
          stat(flush),
          stat(overhead),
          stat(busy));
      return new double[] {wall};
    } finally {
      for (Process p : processes) {
        p.destroy();
      }
      for (Process p : processes) {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  static Process start(Path log, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcairn.home=" + HOME,
                "-cp",
                HOME.resolve("lib") + "/*",
                "dev.cairn.server.cli.CairnCli"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("CAIRN_OFFLINE", "true");
    return pb.start();
  }

  static JsonObject get(String url) throws Exception {
    return new JsonObject(
        HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  interface Probe<T> {
    T call() throws Exception;
  }

  static <T> T await(int seconds, Probe<T> probe) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      try {
        T v = probe.call();
        if (v != null) {
          return v;
        }
      } catch (IOException | RuntimeException e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("timed out after " + seconds + " s");
  }

  static Instant at(JsonObject t, String key) {
    String s = t.getString(key);
    return s == null ? null : Instant.parse(s);
  }

  static double seconds(Instant a, Instant b) {
    return a == null || b == null ? Double.NaN : Duration.between(a, b).toNanos() / 1e9;
  }

  static String stat(List<Double> values) {
    double[] v =
        values.stream().filter(x -> !x.isNaN()).mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) {
      return "-";
    }
    return String.format(
        Locale.ROOT,
        "%.2f s [%.2f]",
        v[v.length / 2],
        v[Math.min(v.length - 1, (int) Math.ceil(0.9 * v.length) - 1)]);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
