package dev.cairn.bench;

import dev.cairn.core.tracking.H2TrackingStore;
import dev.cairn.core.tracking.NewRun;
import dev.cairn.core.tracking.RunQuery;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiVerticle;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the dashboard asks of the server, on a large store: 1,000 runs x 10 tags x 10,000 steps (100
 * M points) plus one run with a 1,000,000-point series. Times the HTTP requests the dashboard makes
 * against a real {@code ApiVerticle} on loopback (median and worst of 15, after 3 warm-ups): the
 * runs table's first page, one chart of 50 runs at 1,000 points each (with and without smoothing),
 * and the long series downsampled to 2,000 points. Floors 300 ms, goal 100 ms. A benchmark, not a
 * test: it prints figures and asserts nothing.
 *
 * <p>Usage: {@code tools/bench/run dashboard [dataDir] [runs=1000]}. A data dir that already holds
 * the runs is reused, so the generation (a few minutes) happens once.
 */
public final class DashboardBench {
  private static final int TAGS = 10;
  private static final int STEPS = 10_000;
  private static final int LONG_SERIES = 1_000_000;
  private static final int REPEATS = 15;

  private DashboardBench() {}

  public static void main(String[] args) throws Exception {
    Path dir =
        args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("cairn-dashboard-bench");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    Files.createDirectories(dir);
    generate(dir, runs);
    System.out.printf(
        Locale.ROOT,
        "DashboardBench: %s, %d runs x %d tags x %,d steps + one %,d-point series; Java %s, %d cores%n",
        dir,
        runs,
        TAGS,
        STEPS,
        LONG_SERIES,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
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
      List<String> ids = new ArrayList<>();
      for (var r : platform.store().listRuns(RunQuery.firstPage(1000)).items()) {
        if (r.name().startsWith("bench-")) {
          ids.add(r.id());
        }
      }
      String longRun =
          platform.store().listRuns(new RunQuery("bench-long", null, 1, null)).items().get(0).id();
      String fifty = String.join(",", ids.subList(0, 50));
      HttpClient http = HttpClient.newHttpClient();
      System.out.printf(
          Locale.ROOT,
          "%n%-58s %9s %9s %9s%n",
          "request (server time on loopback)",
          "median",
          "worst",
          "bytes");
      time(
          http,
          "runs table, first page (dashboard: +params, notes)",
          base + "/api/dashboard/runs?limit=50");
      time(http, "runs table, first page (GET /api/runs)", base + "/api/runs?limit=50");
      time(
          http,
          "chart: 50 runs x 1,000 points, smoothing 0.6",
          base + "/api/dashboard/scalars?tag=tag/3&maxPoints=1000&smoothing=0.6&runs=" + fifty);
      time(
          http,
          "chart: 50 runs x 1,000 points, no smoothing",
          base + "/api/dashboard/scalars?tag=tag/3&maxPoints=1000&smoothing=0&runs=" + fifty);
      time(
          http,
          "1,000,000 points -> 2,000 (GET /series)",
          base + "/api/runs/" + longRun + "/series?tag=long&maxPoints=2000");
      time(
          http,
          "1,000,000 points -> 2,000 (chart, no smoothing)",
          base + "/api/dashboard/scalars?tag=long&maxPoints=2000&runs=" + longRun);
      time(
          http,
          "1,000,000 points -> 2,000 (chart, smoothing 0.6)",
          base + "/api/dashboard/scalars?tag=long&maxPoints=2000&smoothing=0.6&runs=" + longRun);
      System.out.println("\nfloor 300 ms, goal 100 ms per request");
    }
  }

  private static void time(HttpClient http, String label, String url) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).GET().build();
    long bytes = 0;
    for (int i = 0; i < 3; i++) {
      HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            label + ": HTTP " + r.statusCode() + " " + new String(r.body()));
      }
      bytes = r.body().length;
    }
    double[] ms = new double[REPEATS];
    for (int i = 0; i < REPEATS; i++) {
      long t0 = System.nanoTime();
      http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    System.out.printf(
        Locale.ROOT,
        "%-58s %7.1f ms %6.1f ms %9s%n",
        label,
        ms[REPEATS / 2],
        ms[REPEATS - 1],
        String.format(Locale.ROOT, "%,d", bytes));
  }

  /** Writes the runs unless the store already has them. */
  private static void generate(Path dir, int runs) {
    try (H2TrackingStore store = H2TrackingStore.openInDirectory(dir)) {
      if (!store.listRuns(new RunQuery("bench-long", null, 1, null)).items().isEmpty()) {
        return;
      }
      long t0 = System.nanoTime();
      long wall = System.currentTimeMillis() - 86_400_000L;
      List<ScalarPoint> batch = new ArrayList<>(TAGS * STEPS);
      for (int r = 0; r < runs; r++) {
        String id =
            store
                .createRun(
                    new NewRun(
                        "bench",
                        "bench-" + r,
                        "",
                        "",
                        r,
                        "cpu",
                        Map.of(),
                        Map.of(
                            "optimizer.lr",
                            Double.toString(0.001 * (1 + r % 10)),
                            "model.hidden",
                            Integer.toString(64 << (r % 4)))))
                .id();
        batch.clear();
        for (int t = 0; t < TAGS; t++) {
          double scale = 1 + (r % 7) * 0.1;
          for (int s = 1; s <= STEPS; s++) {
            double v = scale * Math.exp(-s / 3000.0) + 0.05 * Math.sin(s * 0.37 + r + t);
            batch.add(new ScalarPoint(id, "tag/" + t, s, wall + s * 100L, v));
          }
        }
        store.writeScalars(batch);
        store.flush();
        store.markRunning(id, "cpu");
        store.markEnded(id, RunStatus.FINISHED, null);
        if ((r + 1) % 100 == 0) {
          System.out.printf(
              Locale.ROOT, "generated %d runs (%.0f s)%n", r + 1, (System.nanoTime() - t0) / 1e9);
        }
      }
      String id =
          store
              .createRun(new NewRun("bench-long", "long", "", "", 0, "cpu", Map.of(), Map.of()))
              .id();
      for (int from = 1; from <= LONG_SERIES; from += 100_000) {
        batch.clear();
        for (int s = from; s < from + 100_000; s++) {
          batch.add(
              new ScalarPoint(
                  id, "long", s, wall + s, Math.sin(s / 1000.0) + (s % 99_991 == 0 ? 10 : 0)));
        }
        store.writeScalars(batch);
        store.flush();
      }
      store.markRunning(id, "cpu");
      store.markEnded(id, RunStatus.FINISHED, null);
      System.out.printf(Locale.ROOT, "generated in %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }
  }
}
