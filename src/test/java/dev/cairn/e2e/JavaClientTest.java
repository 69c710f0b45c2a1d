package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.client.CairnClient;
import dev.cairn.client.EndStatus;
import dev.cairn.client.Run;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client (platform/client) against the assembled server: every point a plain loop or 16
 * threads log is stored exactly once, read back through Cairn's own runs API; and a kill -9 of the
 * server mid-run loses nothing the client does not report as dropped and stores nothing twice.
 */
class JavaClientTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void plainLoopStoresEveryPointOnce() throws Exception {
    CairnProcess.Server server = CairnProcess.serve(dir.resolve("data"));
    try (CairnClient cairn = CairnClient.create(URI.create(server.base()))) {
      int steps = 3_000;
      Run run =
          cairn.startRun(
              "outside",
              "plain-loop",
              Map.of("lr", 0.1, "optimizer", "sgd"),
              Map.of("team", "vision"));
      for (int step = 0; step < steps; step++) {
        for (int t = 0; t < 10; t++) {
          run.log("tag" + t, step, value(t, step));
        }
      }
      run.log("edge/nan", 0, Double.NaN);
      run.setParam("batchSize", 64);
      run.end(EndStatus.FINISHED);
      assertThat(run.droppedPoints()).isZero();

      JsonObject stored = get(server, "/api/runs/" + run.id());
      assertThat(stored.getString("status")).isEqualTo("FINISHED");
      assertThat(stored.getString("source")).isEqualTo("java-client");
      assertThat(stored.getJsonObject("params").getMap())
          .containsEntry("lr", "0.1")
          .containsEntry("optimizer", "sgd")
          .containsEntry("batchSize", "64");
      assertThat(get(server, "/api/tracking/runs/" + run.id()).getJsonObject("tags").getMap())
          .containsEntry("team", "vision");
      for (int t = 0; t < 10; t++) {
        assertSeries(server, run.id(), "tag" + t, t, steps);
      }
      JsonObject nan = series(server, run.id(), "edge/nan");
      assertThat(nan.getJsonArray("steps").getList()).containsExactly(0);
    } finally {
      server.stop();
    }
  }

  /**
   * Whole arrays per call ({@code log(tag, steps[], values[], wallTimes[])}) across several
   * batches, a block that repeats steps already sent (stored once, the first value kept), and the
   * client's opt-in {@code system/*} series beside them.
   */
  @Test
  void blocksAndSystemMetricsStoreEveryPointOnce() throws Exception {
    CairnProcess.Server server = CairnProcess.serve(dir.resolve("data"));
    try (CairnClient cairn =
        CairnClient.builder()
            .setServer(URI.create(server.base()))
            .optBatchPoints(7_000)
            .optSystemMetrics(Duration.ofSeconds(1))
            .build()) {
      Run run = cairn.startRun("outside", "blocks", Map.of(), Map.of());
      int steps = 25_000;
      for (int from = 0; from < steps; from += 1_000) {
        long[] st = new long[1_000];
        double[] va = new double[1_000];
        for (int i = 0; i < st.length; i++) {
          st[i] = from + i;
          va[i] = value(0, from + i);
        }
        run.log("block", st, va, null);
      }
      run.log("block", new long[] {0, 1, 2}, new double[] {-1, -1, -1}, null);
      run.end(EndStatus.FINISHED);
      assertThat(run.droppedPoints()).isLessThanOrEqualTo(3);
      assertSeries(server, run.id(), "block", 0, steps);
      assertThat(series(server, run.id(), "system/heap_used_mb").getInteger("totalPoints"))
          .isPositive();
      JsonObject metrics = get(server, "/api/runs/" + run.id()).getJsonObject("metrics");
      assertThat(metrics.fieldNames()).contains("system/heap_committed_mb", "system/direct_mb");
      if (!hasNvidiaSmi()) {
        assertThat(metrics.fieldNames())
            .as("no GPU: no GPU series, not zeros")
            .noneMatch(k -> k.startsWith("system/gpu"));
      }
    } finally {
      server.stop();
    }
  }

  private static boolean hasNvidiaSmi() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, "nvidia-smi"))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void sixteenConcurrentWritersEachPointOnce() throws Exception {
    CairnProcess.Server server = CairnProcess.serve(dir.resolve("data"));
    int writers = 16;
    int steps = 10_000;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try (CairnClient cairn = CairnClient.create(URI.create(server.base()))) {
      List<Future<Run>> runs = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        runs.add(
            pool.submit(
                () -> {
                  Run run =
                      cairn.startRun(
                          "concurrent", "writer-" + writer, Map.of("writer", writer), Map.of());
                  for (int step = 0; step < steps; step++) {
                    run.log("loss", step, value(writer, step));
                  }
                  run.end(EndStatus.FINISHED);
                  return run;
                }));
      }
      for (int w = 0; w < writers; w++) {
        Run run = runs.get(w).get(5, TimeUnit.MINUTES);
        assertThat(run.droppedPoints()).as("dropped points of writer %d", w).isZero();
        assertSeries(server, run.id(), "loss", w, steps);
      }
      assertThat(cairn.droppedPoints()).isZero();
    } finally {
      pool.shutdownNow();
      server.stop();
    }
  }

  @Test
  void killMinus9OfTheServerLosesNothingUnreportedAndStoresNothingTwice() throws Exception {
    Path data = dir.resolve("data");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    CairnProcess.Server server = serveOn(data, port);
    int tags = 5;
    int steps = 20_000;
    CairnClient cairn =
        CairnClient.builder()
            .setServer(URI.create(server.base()))
            .optMaxBackoff(Duration.ofMillis(500))
            .optBatchPoints(2_000)
            .build();
    Run run;
    long sentAtEnd;
    long sentAtKill = -1;
    try {
      run = cairn.startRun("crash", "kill-9", Map.of(), Map.of());
      int killAt = steps / 3;
      int restartAt = steps / 2;
      for (int step = 0; step < steps; step++) {
        for (int t = 0; t < tags; t++) {
          run.log("t" + t, step, value(t, step));
        }
        if (step % 200 == 0) {
          Thread.sleep(10); // a training loop's pace, so that the kill lands mid-run
        }
        if (step == killAt) {
          server.process().destroyForcibly(); // SIGKILL: no shutdown hook, no final flush
          assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
          sentAtKill = run.sentPoints();
        }
        if (step == restartAt) {
          server = serveOn(data, port);
        }
      }
      run.end(EndStatus.FINISHED);
      sentAtEnd = run.sentPoints();
    } finally {
      cairn.close();
    }
    try {
      assertThat(sentAtKill)
          .as("points acknowledged before the kill")
          .isPositive()
          .isLessThan((long) tags * steps);
      assertThat(sentAtEnd)
          .as("points acknowledged by the end (after the restart)")
          .isGreaterThan(sentAtKill);
      long stored = 0;
      for (int t = 0; t < tags; t++) {
        JsonObject s = series(server, run.id(), "t" + t);
        JsonArray stepsStored = s.getJsonArray("steps");
        for (int i = 1; i < stepsStored.size(); i++) {
          assertThat(stepsStored.getLong(i))
              .as("steps strictly increase (no duplicates)")
              .isGreaterThan(stepsStored.getLong(i - 1));
        }
        for (int i = 0; i < stepsStored.size(); i++) {
          long step = stepsStored.getLong(i);
          assertThat(s.getJsonArray("values").getDouble(i)).isEqualTo(value(t, step));
        }
        stored += stepsStored.size();
        if (run.droppedPoints() == 0) {
          assertThat(stepsStored.getLong(stepsStored.size() - 1)).isEqualTo(steps - 1);
        }
      }
      assertThat(stored + run.droppedPoints())
          .as("stored + dropped = logged")
          .isEqualTo((long) tags * steps);
      assertThat(get(server, "/api/runs/" + run.id()).getString("status")).isEqualTo("FINISHED");
    } finally {
      server.stop();
    }
  }

  private static double value(int tag, long step) {
    return tag * 1000.0 + step * 0.5;
  }

  private static void assertSeries(
      CairnProcess.Server server, String runId, String tag, int t, int steps) throws Exception {
    JsonObject s = series(server, runId, tag);
    assertThat(s.getInteger("totalPoints")).as("points of %s", tag).isEqualTo(steps);
    JsonArray stored = s.getJsonArray("steps");
    JsonArray values = s.getJsonArray("values");
    assertThat(stored.size()).isEqualTo(steps);
    for (int i = 0; i < steps; i++) {
      assertThat(stored.getLong(i)).isEqualTo(i);
      assertThat(values.getDouble(i)).isEqualTo(value(t, i));
    }
  }

  private static JsonObject series(CairnProcess.Server server, String runId, String tag)
      throws Exception {
    return get(
        server,
        "/api/runs/"
            + runId
            + "/series?maxPoints=0&tag="
            + URLEncoder.encode(tag, StandardCharsets.UTF_8));
  }

  private static JsonObject get(CairnProcess.Server server, String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.base() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  /**
   * {@code cairn serve} on a fixed port, so that a restarted server is where the client left it.
   */
  private static CairnProcess.Server serveOn(Path data, int port) throws Exception {
    Process p =
        CairnProcess.builder(data, "serve", "--port", Integer.toString(port))
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    String base = null;
    while ((line = out.readLine()) != null) {
      log.add(line);
      if (line.contains("serving http://")) {
        base = "http://127.0.0.1:" + port;
        break;
      }
    }
    assertThat(base).as("server started:\n" + String.join("\n", log)).isNotNull();
    Thread drain = new Thread(() -> out.lines().forEach(log::add), "cairn-serve-output");
    drain.setDaemon(true);
    drain.start();
    return new CairnProcess.Server(p, base, log);
  }
}
