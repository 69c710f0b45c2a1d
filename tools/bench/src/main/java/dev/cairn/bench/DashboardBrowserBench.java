package dev.cairn.bench;

import dev.cairn.core.tracking.H2TrackingStore;
import dev.cairn.core.tracking.NewRun;
import dev.cairn.core.tracking.RunQuery;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiVerticle;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard at team scale in a real browser (Debian's headless chromium): 10,000 runs x 10 tags
 * x 1,000 steps (100 M points) written straight into the store, served by a real {@code
 * ApiVerticle}. Times, in the page: the Runs view until its table shows (fresh load), a filter
 * keystroke until the server-filtered table shows, Scalars with 200 selected runs until every chart
 * on screen is drawn; measures the bytes the Runs view receives per second while one run trains (a
 * batch of 10 tags every 0.5 s through the tracking API) and a chart card's height at 200 runs.
 * Median and worst of 5 after one warm-up. A benchmark, not a test: it prints figures, asserts
 * nothing.
 *
 * <p>Usage: {@code tools/bench/run dashboard-browser [dataDir] [runs=10000] [steps=1000]
 * [scalars]}. A data dir that already holds the runs is reused (its run count and steps are then
 * not checked); {@code scalars} times Scalars only.
 */
public final class DashboardBrowserBench {
  private static final int TAGS = 10;
  private static final int REPEATS = 5;

  private DashboardBrowserBench() {}

  public static void main(String[] args) throws Exception {
    Path dir =
        args.length > 0
            ? Path.of(args[0])
            : Files.createTempDirectory("cairn-dashboard-browser-bench");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    // "scalars": time only Scalars (no Runs view, keystroke or live part)
    boolean scalarsOnly = args.length > 3 && args[3].equals("scalars");
    Files.createDirectories(dir);
    generate(dir, runs, steps);
    System.out.printf(
        Locale.ROOT,
        "DashboardBrowserBench: %s, %,d runs x %d tags x %,d steps; Java %s, %d cores%n",
        dir,
        runs,
        TAGS,
        steps,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    Files.createDirectories(dir.resolve("no-plugins"));
    Path profile = Files.createTempDirectory("cairn-bench-chromium");
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
      // 200 runs per Scalars load: the warm-up's, one fresh set per timed first view
      String token = null;
      do {
        var page = platform.store().listRuns(new RunQuery(null, null, 1000, token));
        page.items().forEach(r -> ids.add(r.id()));
        token = page.nextPageToken();
      } while (token != null && ids.size() < 200 * (REPEATS + 1));
      ChromeDriver driver = chromium(profile);
      try {
        JavascriptExecutor js = driver;
        // the server's run summaries are built on the first request: time that once, on its own
        long t0 = System.nanoTime();
        HttpClient http = HttpClient.newHttpClient();
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/dashboard/runs?limit=1")).build(),
            HttpResponse.BodyHandlers.ofString());
        System.out.printf(
            Locale.ROOT,
            "%nfirst runs request after start (summaries of %,d runs read): %.0f ms%n",
            runs,
            (System.nanoTime() - t0) / 1e6);

        if (!scalarsOnly) {
          runsAndLive(driver, js, http, base);
        }
        scalars(driver, js, base, ids);
        System.out.println(
            "\ngoals (issue 14): Runs view 1 s, keystroke 50 ms, live under 50 KB/s, Scalars at 200 runs 1 s");
      } finally {
        driver.quit();
      }
    }
  }

  /** The Runs view, a filter keystroke and the bytes it receives while one run trains. */
  private static void runsAndLive(
      ChromeDriver driver, JavascriptExecutor js, HttpClient http, String base) throws Exception {
    double[] runsView = new double[REPEATS];
    double[] keystroke = new double[REPEATS];
    double[] keyAnswer = new double[REPEATS];
    double[] idleKeystroke = new double[REPEATS];
    double[] idleSent = new double[REPEATS];
    double[] idleFirstByte = new double[REPEATS];
    double[] idleAnswer = new double[REPEATS];
    long[] bytes = new long[REPEATS];
    for (int i = -1; i < REPEATS; i++) {
      driver.get(base + "/?r=" + System.nanoTime() + "#/runs");
      // polled every frame in the page: milliseconds since the navigation started
      double shown =
          frameUntil(js, "document.querySelectorAll('.runs-table tbody tr[data-id]').length > 0");
      long transferred =
          ((Number)
                  js.executeScript(
                      "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/dashboard/runs')).reduce((n, e) => n + e.encodedBodySize, 0)"))
              .longValue();
      // a keystroke right as the table shows (the page still settling), then one on the idle
      // page a second later
      List<?> key = keystroke(js, "optimizer.lr > 0.005");
      Thread.sleep(1000);
      List<?> idle = keystroke(js, "optimizer.lr > 0.004");
      if (i >= 0) {
        runsView[i] = shown;
        keystroke[i] = ((Number) key.get(0)).doubleValue();
        keyAnswer[i] = ((Number) key.get(1)).doubleValue();
        idleKeystroke[i] = ((Number) idle.get(0)).doubleValue();
        idleSent[i] = ((Number) idle.get(2)).doubleValue();
        idleFirstByte[i] = ((Number) idle.get(3)).doubleValue();
        idleAnswer[i] = ((Number) idle.get(1)).doubleValue();
        bytes[i] = transferred;
      }
    }
    report("Runs view: load until the table shows (first page)", runsView);
    report("filter keystroke as the table shows, until it is filtered", keystroke);
    report("  of which: until the filtered page's answer arrived", keyAnswer);
    report("filter keystroke on the idle page, until it is filtered", idleKeystroke);
    report("  of which: until the page's request started (fetch)", idleSent);
    report("  of which: until its first byte arrived", idleFirstByte);
    report("  of which: until the filtered page's answer arrived", idleAnswer);
    System.out.printf(
        Locale.ROOT, "%-58s %,9d bytes%n", "runs list bytes on a load (JSON bodies)", bytes[0]);

    // one training run: a batch of 10 tags every 0.5 s, while the Runs view is open
    String live =
        new JsonObject(
                post(
                    http,
                    base + "/api/tracking/runs",
                    new JsonObject().put("experiment", "bench-live").put("name", "training")))
            .getString("id");
    driver.get(base + "/?r=" + System.nanoTime() + "#/runs");
    frameUntil(js, "document.querySelectorAll('.runs-table tbody tr[data-id]').length > 0");
    Thread.sleep(3000);
    js.executeScript(
        "performance.setResourceTimingBufferSize(100000); performance.clearResourceTimings();");
    long from = System.nanoTime();
    int seconds = 20;
    for (int step = 0; step < seconds * 2; step++) {
      JsonArray series = new JsonArray();
      for (int t = 0; t < TAGS; t++) {
        series.add(
            new JsonObject()
                .put("tag", "tag/" + t)
                .put("steps", new JsonArray().add(step))
                .put("values", new JsonArray().add(Math.exp(-step / 10.0))));
      }
      post(
          http,
          base + "/api/tracking/runs/" + live + "/scalars",
          new JsonObject().put("series", series));
      Thread.sleep(500);
    }
    double elapsed = (System.nanoTime() - from) / 1e9;
    long liveBytes =
        ((Number)
                js.executeScript(
                    "return performance.getEntriesByType('resource').filter(e => !e.name.includes('/api/live')).reduce((n, e) => n + e.transferSize, 0)"))
            .longValue();
    long requests =
        ((Number)
                js.executeScript(
                    "return performance.getEntriesByType('resource').filter(e => !e.name.includes('/api/live')).length"))
            .longValue();
    System.out.printf(
        Locale.ROOT,
        "%-58s %9.2f KB/s (%d requests, %,d bytes in %.0f s; plus the event stream)%n",
        "live: Runs view transfer with one training run",
        liveBytes / 1024.0 / elapsed,
        requests,
        liveBytes,
        elapsed);
    post(
        http,
        base + "/api/tracking/runs/" + live + "/end",
        new JsonObject().put("status", "FINISHED"));
  }

  /** Scalars with 200 selected runs: a first view and the same runs opened again, each timed. */
  private static void scalars(
      ChromeDriver driver, JavascriptExecutor js, String base, List<String> ids) {
    // a selection's first view reads the store; opening it again finds the ended runs'
    // series in the server's chart cache: both are timed, on different sets of 200 runs
    double[] scalars = new double[REPEATS];
    double[] again = new double[REPEATS];
    double[][] scalarsSteps = new double[6][REPEATS];
    long height = 0;
    for (int i = -1; i < REPEATS; i++) {
      int first = Math.min((i + 1) * 200, Math.max(0, ids.size() - 200));
      String set = String.join(",", ids.subList(first, Math.min(first + 200, ids.size())));
      double drawn = scalarsDrawn(driver, js, base, set);
      height =
          ((Number) js.executeScript("return document.querySelector('.chart').offsetHeight"))
              .longValue();
      if (i >= 0) {
        scalars[i] = drawn;
        // resource timing of that load: ms since navigation
        List<?> t =
            (List<?>)
                js.executeScript(
                    """
                const r = performance.getEntriesByType('resource');
                const end = (part) => Math.max(-1, ...r.filter(e => e.name.includes(part)).map(e => e.responseEnd));
                // the requests of the charts that were drawn (those below the screen ask later)
                const charts = r.filter(e => e.name.includes('/api/dashboard/scalars?') && e.startTime <= arguments[0]);
                return [end('/api/auth/me'), end('/api/dashboard/tags'),
                        charts.length ? Math.min(...charts.map(e => e.startTime)) : -1,
                        charts.length ? Math.max(...charts.map(e => e.responseEnd)) : -1,
                        charts.length ? arguments[0] - Math.max(...charts.map(e => e.responseEnd)) : -1,
                        charts.length];
                """,
                    drawn);
        for (int k = 0; k < scalarsSteps.length; k++) {
          scalarsSteps[k][i] = ((Number) t.get(k)).doubleValue();
        }
        again[i] = scalarsDrawn(driver, js, base, set);
      }
    }
    report("Scalars, 200 selected runs: first view, charts drawn", scalars);
    report("  of which: /api/auth/me answered", scalarsSteps[0]);
    report("  of which: /api/dashboard/tags answered", scalarsSteps[1]);
    report("  of which: the first chart request sent", scalarsSteps[2]);
    report("  of which: the last chart answer in", scalarsSteps[3]);
    report("  then until drawn", scalarsSteps[4]);
    System.out.printf(
        Locale.ROOT,
        "%-58s %7.0f%n",
        "  chart requests sent until then (median)",
        median(scalarsSteps[5]));
    report("Scalars, the same 200 runs opened again", again);
    System.out.printf(
        Locale.ROOT,
        "%-58s %9d px (chart 220 px + legend of at most 132 px)%n",
        "chart card height at 200 runs",
        height);
  }

  /**
   * Types {@code filter} into the Runs view's filter box at once; returns ms from then until the
   * summary line changed and the next frame came, and (resource timing) until the filtered page's
   * request ended, started and had its first byte (-1 where no such request was seen).
   */
  private static List<?> keystroke(JavascriptExecutor js, String filter) {
    return (List<?>)
        js.executeAsyncScript(
            """
            const filter = arguments[0];
            const done = arguments[arguments.length - 1];
            const summary = document.querySelector('.summary');
            const before = summary.textContent;
            const input = document.querySelector('.run-filter');
            const t0 = performance.now();
            new MutationObserver((m, o) => { if (summary.textContent !== before) { o.disconnect(); requestAnimationFrame(() => {
              const total = performance.now() - t0;
              const answer = performance.getEntriesByType('resource').filter(e => e.name.includes('&q=') && e.startTime >= t0).pop();
              done([total, answer ? answer.responseEnd - t0 : -1, answer ? answer.fetchStart - t0 : -1, answer ? answer.responseStart - t0 : -1]); }); } })
              .observe(summary, { childList: true, characterData: true, subtree: true });
            input.value = filter;
            input.dispatchEvent(new Event('input'));
            """,
            filter);
  }

  /** Loads Scalars with these runs selected; ms from navigation until the on-screen charts drew. */
  private static double scalarsDrawn(
      ChromeDriver driver, JavascriptExecutor js, String base, String runs) {
    driver.get(base + "/?r=" + System.nanoTime() + "#/scalars?runs=" + runs);
    return frameUntil(
        js,
        "(() => { const cards = [...document.querySelectorAll('.chart')].filter(c => { const r = c.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; });"
            + " return cards.length > 0 && cards.every(c => window.cairnCharts && window.cairnCharts.get(c.dataset.tag) && window.cairnCharts.get(c.dataset.tag).plot); })()");
  }

  /**
   * Checks `condition` every animation frame; returns performance.now() (ms since navigation start)
   * when it first holds.
   */
  private static double frameUntil(JavascriptExecutor js, String condition) {
    return ((Number)
            js.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "const check = () => { if ("
                    + condition
                    + ") done(performance.now()); else requestAnimationFrame(check); }; check();"))
        .doubleValue();
  }

  private static String post(HttpClient http, String url, JsonObject body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(url + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static void report(String label, double[] ms) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "%-58s %7.0f ms (worst %.0f)%n",
        label,
        sorted[sorted.length / 2],
        sorted[sorted.length - 1]);
  }

  private static ChromeDriver chromium(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(System.getProperty("cairn.chromium", "/usr/bin/chromium"));
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--user-data-dir=" + profile,
        "--window-size=1280,800");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(
                Path.of(System.getProperty("cairn.chromedriver", "/usr/bin/chromedriver")).toFile())
            .usingAnyFreePort()
            .withLogOutput(OutputStream.nullOutputStream())
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(300));
    return driver;
  }

  /** Writes the runs unless the store already has them. */
  private static void generate(Path dir, int runs, int steps) {
    try (H2TrackingStore store = H2TrackingStore.openInDirectory(dir)) {
      if (!store.listRuns(RunQuery.firstPage(1)).items().isEmpty()) {
        return;
      }
      long t0 = System.nanoTime();
      long wall = System.currentTimeMillis() - 86_400_000L;
      List<ScalarPoint> batch = new ArrayList<>();
      String[] optimizers = {"adam", "sgd", "rmsprop", "adagrad"};
      for (int r = 0; r < runs; r++) {
        String id =
            store
                .createRun(
                    new NewRun(
                        "bench-" + (r % 20),
                        "bench-" + r,
                        "",
                        "",
                        r,
                        "cpu",
                        Map.of(),
                        Map.of(
                            "optimizer.lr",
                            Double.toString(Math.pow(10, -4 + 3.0 * ((r * 7919L) % runs) / runs)),
                            "optimizer.name",
                            optimizers[r % 4],
                            "model.hidden",
                            Integer.toString(64 << (r % 4)))))
                .id();
        store.markRunning(id, "cpu");
        for (int t = 0; t < TAGS; t++) {
          double scale = 1 + (r % 7) * 0.1;
          for (int s = 1; s <= steps; s++) {
            batch.add(
                new ScalarPoint(
                    id,
                    "tag/" + t,
                    s,
                    wall + s * 100L,
                    scale * Math.exp(-s / 300.0) + 0.05 * Math.sin(s * 0.37 + r + t)));
          }
        }
        store.writeScalars(batch);
        batch.clear();
        store.markEnded(id, RunStatus.FINISHED, null);
        if ((r + 1) % 50 == 0) {
          store.flush();
        }
        if ((r + 1) % 1000 == 0) {
          System.out.printf(
              Locale.ROOT, "generated %,d runs (%.0f s)%n", r + 1, (System.nanoTime() - t0) / 1e9);
        }
      }
      store.flush();
      System.out.printf(Locale.ROOT, "generated in %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }
  }
}
