package dev.cairn.bench;

import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiVerticle;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server under a steady mixed load for N minutes, on loopback, in one JVM: trainers submitting
 * tiny runs over REST (the server trains one at a time, the rest wait QUEUED), outside code logging
 * live through the tracking API, dashboards polling the runs table and a chart every second, and
 * live SSE streams held open. Prints p50 / p99 per request kind, errors, and the process's resident
 * memory and heap every 30 s, so one can see whether memory levels off. A benchmark, not a test: it
 * asserts nothing.
 *
 * <p>Usage: {@code tools/bench/run load [minutes=10] [trainers=4] [dashboards=10] [streams=10]}.
 */
public final class LoadBench {
  static final String SPEC =
      """
      epochs: 20
      logging: {everySteps: 1}
      dataset: {plugin: xor, repeat: 16, batchSize: 8}
      model: {plugin: mlp, hidden: [8]}
      optimizer: {plugin: sgd, lr: 0.1}
      loss: softmax-cross-entropy
      """;

  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong finishedRuns = new AtomicLong();
  private final AtomicLong liveEvents = new AtomicLong();
  private final List<String> recentRuns = new CopyOnWriteArrayList<>();
  private final List<String> errorSamples = new CopyOnWriteArrayList<>();
  private volatile boolean running = true;

  private LoadBench(String base) {
    this.base = base;
  }

  public static void main(String[] args) throws Exception {
    double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    int trainers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int dashboards = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int streams = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    Path dir = Files.createTempDirectory("cairn-load-bench");
    System.out.printf(
        Locale.ROOT,
        "LoadBench: %.1f min, %d trainers (REST runs) + %d outside loggers, %d dashboards,"
            + " %d live streams; Java %s, %d cores, -Xmx %d MB, load %.1f%n",
        minutes,
        trainers,
        trainers,
        dashboards,
        streams,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    try (Platform platform = Platform.start(new CairnOptions(dir, null, null, true))) {
      ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0);
      platform
          .vertx()
          .deployVerticle(api)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      LoadBench bench = new LoadBench("http://127.0.0.1:" + api.actualPort());
      bench.run(minutes, trainers, dashboards, streams);
    }
  }

  private void run(double minutes, int trainers, int dashboards, int streams) throws Exception {
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < trainers; i++) {
      threads.add(daemon("trainer-" + i, this::trainer));
      int n = i;
      threads.add(daemon("logger-" + i, () -> logger(n)));
    }
    for (int i = 0; i < dashboards; i++) {
      threads.add(daemon("dashboard-" + i, this::dashboard));
    }
    for (int i = 0; i < streams; i++) {
      threads.add(daemon("stream-" + i, this::stream));
    }
    long start = System.nanoTime();
    long end = start + (long) (minutes * 60e9);
    System.out.printf(
        Locale.ROOT,
        "%n%8s %9s %9s %10s %7s %9s %11s %6s%n",
        "elapsed",
        "RSS MB",
        "heap MB",
        "requests",
        "errors",
        "runs done",
        "live events",
        "load");
    report(start);
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(30_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      report(start);
    }
    running = false;
    for (Thread t : threads) {
      t.join(15_000);
    }
    System.out.printf(
        Locale.ROOT, "%n%-34s %8s %9s %9s %9s%n", "request", "count", "p50 ms", "p99 ms", "max ms");
    for (var e : new TreeMap<>(latencies).entrySet()) {
      List<Long> sorted = new ArrayList<>(e.getValue());
      Collections.sort(sorted);
      System.out.printf(
          Locale.ROOT,
          "%-34s %8d %9.1f %9.1f %9.1f%n",
          e.getKey(),
          sorted.size(),
          pct(sorted, 0.50),
          pct(sorted, 0.99),
          sorted.get(sorted.size() - 1) / 1e6);
    }
    System.out.printf(
        Locale.ROOT,
        "%nerrors: %d%s%n",
        errors.get(),
        errorSamples.isEmpty() ? "" : " e.g. " + errorSamples);
  }

  private void report(long start) throws Exception {
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    long requests = latencies.values().stream().mapToLong(List::size).sum();
    System.out.printf(
        Locale.ROOT,
        "%7.1fm %9d %9d %10d %7d %9d %11d %6.1f%n",
        (System.nanoTime() - start) / 60e9,
        rssMb(),
        heap,
        requests,
        errors.get(),
        finishedRuns.get(),
        liveEvents.get(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static long rssMb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
      }
    }
    return -1;
  }

  private static double pct(List<Long> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size()))) / 1e6;
  }

  /** Submits a tiny run, waits for it to end, again. */
  private void trainer() {
    while (running) {
      JsonObject submitted = call("submit run", "POST", "/api/runs", "text/yaml", SPEC);
      if (submitted == null) {
        pause(1000);
        continue;
      }
      String id = submitted.getString("id");
      while (running) {
        pause(500);
        JsonObject run = call("poll run", "GET", "/api/runs/" + id, null, null);
        String status = run == null ? null : run.getString("status");
        if (status != null && !status.equals("QUEUED") && !status.equals("RUNNING")) {
          finishedRuns.incrementAndGet();
          break;
        }
      }
    }
  }

  /**
   * Outside training code: a run through the tracking API, a point every 100 ms, 300 steps, again.
   */
  private void logger(int n) {
    while (running) {
      JsonObject run =
          call(
              "tracking create",
              "POST",
              "/api/tracking/runs",
              "application/json",
              new JsonObject().put("experiment", "load").put("name", "logger-" + n).encode());
      if (run == null) {
        pause(1000);
        continue;
      }
      String id = run.getString("id");
      recentRuns.add(id);
      while (recentRuns.size() > 20) {
        recentRuns.remove(0);
      }
      for (int step = 0; step < 300 && running; step++) {
        JsonObject batch =
            new JsonObject()
                .put(
                    "series",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("tag", "train/loss")
                                .put("steps", new JsonArray().add(step))
                                .put("values", new JsonArray().add(1.0 / (step + 1))))
                        .add(
                            new JsonObject()
                                .put("tag", "train/accuracy")
                                .put("steps", new JsonArray().add(step))
                                .put("values", new JsonArray().add(step / 300.0))));
        call(
            "tracking scalars",
            "POST",
            "/api/tracking/runs/" + id + "/scalars",
            "application/json",
            batch.encode());
        pause(100);
      }
      call(
          "tracking end",
          "POST",
          "/api/tracking/runs/" + id + "/end",
          "application/json",
          "{\"status\": \"FINISHED\"}");
    }
  }

  /** The runs table and one chart of the latest runs, every second. */
  private void dashboard() {
    while (running) {
      call("dashboard runs table", "GET", "/api/dashboard/runs?limit=50", null, null);
      List<String> ids = List.copyOf(recentRuns);
      if (!ids.isEmpty()) {
        call(
            "dashboard chart (<=20 runs)",
            "GET",
            "/api/dashboard/scalars?tag=train/loss&maxPoints=1000&runs="
                + String.join(",", ids.subList(Math.max(0, ids.size() - 20), ids.size())),
            null,
            null);
      }
      pause(1000);
    }
  }

  /** An SSE stream held open, counting events; reopened when it ends. */
  private void stream() {
    while (running) {
      try {
        HttpResponse<InputStream> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/live")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (var lines = new BufferedReader(new InputStreamReader(r.body()))) {
          String line;
          while (running && (line = lines.readLine()) != null) {
            if (line.startsWith("event: flushed")) {
              liveEvents.incrementAndGet();
            }
          }
        }
      } catch (Exception e) {
        if (running) {
          error("live: " + e);
          pause(1000);
        }
      }
    }
  }

  private JsonObject call(String kind, String method, String path, String type, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .header("X-Cairn-Request", "1");
    if (type != null) {
      b.header("Content-Type", type);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    long t0 = System.nanoTime();
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      latencies
          .computeIfAbsent(kind, k -> Collections.synchronizedList(new ArrayList<>()))
          .add(System.nanoTime() - t0);
      if (r.statusCode() >= 400) {
        error(kind + " -> " + r.statusCode() + " " + r.body());
        return null;
      }
      return r.body().startsWith("{") ? new JsonObject(r.body()) : new JsonObject();
    } catch (Exception e) {
      error(kind + ": " + e);
      return null;
    }
  }

  private void error(String what) {
    errors.incrementAndGet();
    if (errorSamples.size() < 5) {
      errorSamples.add(what.length() > 200 ? what.substring(0, 200) : what);
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
