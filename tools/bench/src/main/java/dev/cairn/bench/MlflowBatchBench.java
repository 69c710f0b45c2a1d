package dev.cairn.bench;

import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiVerticle;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * MLflow's log-batch at its limit (1,000 metrics per request: 10 keys x 100 steps) against a real
 * server on loopback, beside the native tracking API's JSON scalars with the same 1,000 points per
 * request, in alternating rounds; each client logs into its own run. Prints requests/s and points/s
 * per round, the medians and their ratio, and checks at the end that every run stored every point
 * once. A benchmark, not a test: it asserts nothing.
 *
 * <p>Usage: {@code tools/bench/run mlflow-batch [rounds=4] [seconds-per-round=5] [clients=1]}.
 */
public final class MlflowBatchBench {
  private static final int KEYS = 10;
  private static final int STEPS_PER_REQUEST = 100;

  private MlflowBatchBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Path dir = Files.createTempDirectory("cairn-mlflow-bench");
    Files.createDirectories(dir.resolve("no-plugins"));
    try (Platform platform =
        Platform.start(new CairnOptions(dir, null, dir.resolve("no-plugins"), true))) {
      ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0);
      platform
          .vertx()
          .deployVerticle(api)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      String base = "http://127.0.0.1:" + api.actualPort();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<Writer> mlflow = new ArrayList<>();
      List<Writer> nativeApi = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        JsonObject run =
            post(
                http,
                base + "/api/2.0/mlflow/runs/create",
                new JsonObject().put("experiment_id", "0").put("run_name", "bench-mlflow-" + c));
        mlflow.add(
            new Writer(
                run.getJsonObject("run").getJsonObject("info").getString("run_id"), true, base));
        JsonObject created =
            post(
                http,
                base + "/api/tracking/runs",
                new JsonObject().put("experiment", "Default").put("name", "bench-native-" + c));
        nativeApi.add(new Writer(created.getString("id"), false, base));
      }
      System.out.printf(
          Locale.ROOT,
          "MlflowBatchBench: %d points per request (%d keys x %d steps), %d client(s), %d rounds of %d s"
              + " each way; Java %s, %d cores%n",
          KEYS * STEPS_PER_REQUEST,
          KEYS,
          STEPS_PER_REQUEST,
          clients,
          rounds,
          seconds,
          System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors());
      System.out.println("load before: " + load());
      drive(http, mlflow, 1); // warm-up
      drive(http, nativeApi, 1);
      double[] a = new double[rounds];
      double[] b = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        a[i] = drive(http, mlflow, seconds);
        b[i] = drive(http, nativeApi, seconds);
        System.out.printf(
            Locale.ROOT,
            "round %d: MLflow log-batch %,7.1f req/s = %,10.0f points/s   native scalars %,7.1f req/s = %,10.0f points/s%n",
            i + 1,
            a[i],
            a[i] * KEYS * STEPS_PER_REQUEST,
            b[i],
            b[i] * KEYS * STEPS_PER_REQUEST);
      }
      double ma = median(a);
      double mb = median(b);
      System.out.printf(
          Locale.ROOT,
          "median: MLflow %,.1f req/s (%,.0f points/s), native %,.1f req/s (%,.0f points/s), ratio MLflow/native %.2f%n",
          ma,
          ma * KEYS * STEPS_PER_REQUEST,
          mb,
          mb * KEYS * STEPS_PER_REQUEST,
          ma / mb);
      System.out.println("load after: " + load());
      for (Writer w : mlflow) {
        long stored = platform.store().series(w.runId).stream().mapToLong(s -> s.count()).sum();
        System.out.printf(
            Locale.ROOT, "run %s: sent %,d points, stored %,d%n", w.runId, w.sent, stored);
      }
    }
  }

  /** One client's run and how far its steps have got. */
  private static final class Writer {
    final String runId;
    final boolean mlflow;
    final String base;
    long nextStep;
    long sent;

    Writer(String runId, boolean mlflow, String base) {
      this.runId = runId;
      this.mlflow = mlflow;
      this.base = base;
    }

    HttpRequest next() {
      long first = nextStep;
      nextStep += STEPS_PER_REQUEST;
      long now = System.currentTimeMillis();
      String url;
      JsonObject body;
      if (mlflow) {
        JsonArray metrics = new JsonArray();
        for (int k = 0; k < KEYS; k++) {
          for (int s = 0; s < STEPS_PER_REQUEST; s++) {
            metrics.add(
                new JsonObject()
                    .put("key", "metric/" + k)
                    .put("value", Math.sin(first + s) * k)
                    .put("timestamp", now)
                    .put("step", first + s));
          }
        }
        url = base + "/api/2.0/mlflow/runs/log-batch";
        body = new JsonObject().put("run_id", runId).put("metrics", metrics);
      } else {
        JsonArray series = new JsonArray();
        for (int k = 0; k < KEYS; k++) {
          JsonArray steps = new JsonArray();
          JsonArray values = new JsonArray();
          JsonArray walls = new JsonArray();
          for (int s = 0; s < STEPS_PER_REQUEST; s++) {
            steps.add(first + s);
            values.add(Math.sin(first + s) * k);
            walls.add(now);
          }
          series.add(
              new JsonObject()
                  .put("tag", "metric/" + k)
                  .put("steps", steps)
                  .put("values", values)
                  .put("wallTimes", walls));
        }
        url = base + "/api/tracking/runs/" + runId + "/scalars";
        body = new JsonObject().put("series", series);
      }
      sent += (long) KEYS * STEPS_PER_REQUEST;
      return HttpRequest.newBuilder(URI.create(url))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
          .build();
    }
  }

  /** Requests per second of all writers together, each sending back to back for {@code seconds}. */
  private static double drive(HttpClient http, List<Writer> writers, int seconds) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long start = System.nanoTime();
    List<CompletableFuture<Long>> loops = new ArrayList<>();
    for (Writer w : writers) {
      loops.add(
          CompletableFuture.supplyAsync(
              () -> {
                long done = 0;
                try {
                  while (System.nanoTime() < end) {
                    HttpResponse<String> r =
                        http.send(w.next(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                      throw new IllegalStateException("status " + r.statusCode() + ": " + r.body());
                    }
                    done++;
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                return done;
              }));
    }
    long total = 0;
    for (CompletableFuture<Long> f : loops) {
      total += f.get();
    }
    return total / ((System.nanoTime() - start) / 1e9);
  }

  private static JsonObject post(HttpClient http, String url, JsonObject body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
