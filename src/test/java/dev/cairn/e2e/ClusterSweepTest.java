package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A head ({@code cairn serve --cluster}) and two workers ({@code cairn worker --cluster --join}),
 * each its own JVM on 127.0.0.1: trials are dispatched to both workers, their metrics stream into
 * the head's store, a worker killed with kill -9 mid-trial has its trial re-queued and finished
 * elsewhere without a step written twice or a stored point lost, and a head killed with kill -9 and
 * started again is rejoined by the workers and finishes the sweep.
 */
class ClusterSweepTest {
  /** the first sweep's trials: long enough that the killed worker's trial is mid-training */
  static final int EPOCHS = 200;

  /** the second sweep's trials: long enough that the killed head's trials are mid-training */
  static final int HEAD_EPOCHS = 800;

  static final String SWEEP = sweep("cluster", EPOCHS, "[0.001, 0.002, 0.005, 0.01, 0.02, 0.05]");

  static String sweep(String name, int epochs, String lrs) {
    return """
        name: %s
        spec:
          epochs: %d
          logging: {everySteps: 8}
          dataset: {plugin: xor, repeat: 64, batchSize: 16}
          model: {plugin: mlp, hidden: [8], activation: tanh}
          optimizer: {plugin: adam, lr: 0.01}
          loss: softmax-cross-entropy
        method: grid
        metric: {name: epoch/train_loss, goal: minimize}
        parameters:
          optimizer.lr: {values: %s}
        parallel: 2
        """
        .formatted(name, epochs, lrs);
  }

  @TempDir Path dir;
  private final List<Node> nodes = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A child JVM whose output goes to a log file. */
  record Node(String name, Process process, Path log) {
    String output() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "";
      }
    }
  }

  private Node start(String name, String... args) throws IOException {
    Path log = dir.resolve(name + "-" + nodes.size() + ".log");
    Process p =
        CairnProcess.builder(null, args)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    p.getOutputStream().close();
    Node node = new Node(name, p, log);
    nodes.add(node);
    return node;
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    for (Node n : nodes) {
      n.process().destroyForcibly();
    }
    for (Node n : nodes) {
      n.process().waitFor();
    }
  }

  private String logs() {
    StringBuilder s = new StringBuilder();
    for (Node n : nodes) {
      String out = n.output();
      s.append("\n--- ")
          .append(n.name())
          .append(" (")
          .append(n.log().getFileName())
          .append(")\n")
          .append(out.length() > 6000 ? out.substring(out.length() - 6000) : out);
    }
    return s.toString();
  }

  private <T> T await(String what, int seconds, Callable<T> probe) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    Exception last = null;
    while (System.nanoTime() < end) {
      try {
        T value = probe.call();
        if (value != null && !Boolean.FALSE.equals(value)) {
          return value;
        }
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "timed out after "
            + seconds
            + " s waiting for "
            + what
            + (last == null ? "" : " (last error: " + last + ")")
            + logs());
  }

  private String headUrl(Node head) throws Exception {
    Pattern url = Pattern.compile("serving (http://[^/]+)/api/runs");
    return await(
        "the head to serve",
        180,
        () -> {
          Matcher m = url.matcher(head.output());
          return m.find() ? m.group(1) : null;
        });
  }

  private JsonObject get(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private JsonArray workers(String base) throws Exception {
    return get(base + "/api/cluster/workers").getJsonArray("workers");
  }

  private Map<Integer, JsonObject> trials(String base, String sweepId) throws Exception {
    Map<Integer, JsonObject> out = new LinkedHashMap<>();
    JsonArray list = get(base + "/api/sweeps/" + sweepId + "/trials").getJsonArray("trials");
    for (int i = 0; i < list.size(); i++) {
      out.put(list.getJsonObject(i).getInteger("trialNo"), list.getJsonObject(i));
    }
    return out;
  }

  private JsonObject series(String base, String runId, String tag) throws Exception {
    JsonArray all = get(base + "/api/runs/" + runId + "/metrics").getJsonArray("series");
    for (int i = 0; i < all.size(); i++) {
      if (all.getJsonObject(i).getString("tag").equals(tag)) {
        return all.getJsonObject(i);
      }
    }
    return null;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void trialsSpreadOverWorkersSurviveAKilledWorkerAndAKilledHead() throws Exception {
    int clusterPort = freePort();
    String[] headArgs = {
      "serve",
      "--cluster",
      "--cluster-host",
      "127.0.0.1",
      "--cluster-port",
      Integer.toString(clusterPort),
      "--port",
      "0",
      "--worker-timeout",
      // short enough for a quick test, long enough that two workers training on a loaded 2-core
      // machine are not declared lost between heartbeats
      "15",
      "--data-dir",
      dir.resolve("head").toString()
    };
    Node head = start("head", headArgs);
    String[] join = {
      "worker",
      "--cluster",
      "--join",
      "127.0.0.1:" + clusterPort,
      "--cluster-port",
      Integer.toString(clusterPort + 1),
      "--head-timeout",
      "15",
      // two workers and the head share this machine's cores: one libtorch thread each
      "--threads",
      "1"
    };
    Node w1 = start("worker1", concat(join, "--data-dir", dir.resolve("w1").toString()));
    Node w2 = start("worker2", concat(join, "--data-dir", dir.resolve("w2").toString()));
    String base = headUrl(head);
    await("two workers to join", 180, () -> workers(base).size() == 2);

    String sweepId = submit(base, SWEEP);

    // dispatch: both workers train a trial at the same time
    JsonArray busy =
        await(
            "both workers to train a trial",
            120,
            () -> {
              JsonArray ws = workers(base);
              return ws.size() == 2
                      && ws.getJsonObject(0).getJsonArray("running").size() == 1
                      && ws.getJsonObject(1).getJsonArray("running").size() == 1
                  ? ws
                  : null;
            });
    long victimPid = busy.getJsonObject(0).getLong("pid");
    String victimId = busy.getJsonObject(0).getString("id");
    String victimRun = busy.getJsonObject(0).getJsonArray("running").getString(0);
    Node victim = w1.process().pid() == victimPid ? w1 : w2;
    assertThat(victim.process().pid()).isEqualTo(victimPid);

    // streaming: the worker's epochs arrive in the head's store while it trains
    JsonObject before =
        await(
            "3 epochs of the victim's trial in the head's store",
            120,
            () -> {
              JsonObject s = series(base, victimRun, "epoch/train_loss");
              return s != null && s.getLong("count") >= 3 ? s : null;
            });
    JsonObject storedBefore =
        get(base + "/api/runs/" + victimRun + "/series?tag=epoch/train_loss&maxPoints=0");

    victim.process().destroyForcibly(); // kill -9 mid-trial
    long killedAt = System.nanoTime();
    Node w3 = start("worker3", concat(join, "--data-dir", dir.resolve("w3").toString()));
    JsonObject retried =
        await(
            "the victim's trial to be re-queued",
            60,
            () -> {
              for (JsonObject t : trials(base, sweepId).values()) {
                String message = t.getString("message");
                // the re-queued trial may already be running again elsewhere (its message then
                // gone): a second attempt says it was re-queued too
                if (t.getString("runId").equals(victimRun)
                    && ((message != null && message.contains("was lost"))
                        || t.getInteger("attempts", 1) >= 2)) {
                  return t;
                }
              }
              return null;
            });
    double noticedSeconds = (System.nanoTime() - killedAt) / 1e9;
    assertThat(workers(base))
        .extracting(w -> ((JsonObject) w).getString("id"))
        .doesNotContain(victimId);
    JsonObject finished =
        await(
            "the re-queued trial to finish on the other worker",
            180,
            () -> {
              for (JsonObject t : trials(base, sweepId).values()) {
                if (t.getString("runId").equals(victimRun)
                    && t.getString("status").equals("FINISHED")) {
                  return t;
                }
              }
              return null;
            });
    assertThat(finished.getString("worker")).isNotEqualTo(victimId);
    assertThat(finished.getInteger("attempts")).isGreaterThanOrEqualTo(2);
    assertThat(retried).isNotNull();
    assertThat(head.output()).contains("training node " + victimId + " was lost");
    JsonObject after = series(base, victimRun, "epoch/train_loss");
    assertThat(after.getLong("count")).as("no epoch written twice").isEqualTo(EPOCHS);
    assertThat(after.getLong("firstStep")).isEqualTo(1);
    assertThat(after.getLong("lastStep")).isEqualTo(EPOCHS);
    assertThat(series(base, victimRun, "train/loss").getLong("count"))
        .as("one point per logged step")
        .isEqualTo(1 + EPOCHS * 16 / 8);
    JsonObject storedAfter =
        get(base + "/api/runs/" + victimRun + "/series?tag=epoch/train_loss&maxPoints=0");
    int kept = storedBefore.getJsonArray("steps").size();
    for (int i = 0; i < kept; i++) {
      assertThat(storedAfter.getJsonArray("steps").getLong(i))
          .isEqualTo(storedBefore.getJsonArray("steps").getLong(i));
      assertThat(storedAfter.getJsonArray("values").getDouble(i))
          .as("stored before the kill, kept as it was")
          .isEqualTo(storedBefore.getJsonArray("values").getDouble(i));
      assertThat(storedAfter.getJsonArray("wallTimes").getLong(i))
          .isEqualTo(storedBefore.getJsonArray("wallTimes").getLong(i));
    }
    assertThat(before.getLong("count")).isGreaterThanOrEqualTo(3);

    // the first sweep finishes on the surviving and the replacement worker
    JsonObject first =
        await(
            "the first sweep to finish",
            300,
            () -> {
              JsonObject sw = get(base + "/api/sweeps/" + sweepId);
              return sw.getString("status").equals("FINISHED") ? sw : null;
            });

    // with the replacement worker in, a second sweep of longer trials: kill -9 the head while
    // they train, and start it again
    await("the replacement worker to join", 180, () -> workers(base).size() == 2);
    String secondId = submit(base, sweep("cluster-head", HEAD_EPOCHS, "[0.01, 0.02]"));
    String running =
        await(
            "a trial of the second sweep 5 epochs into training",
            120,
            () -> {
              for (JsonObject t : trials(base, secondId).values()) {
                JsonObject s = series(base, t.getString("runId"), "epoch/train_loss");
                if (t.getString("status").equals("RUNNING")
                    && s != null
                    && s.getLong("count") >= 5
                    && s.getLong("count") < HEAD_EPOCHS / 2) {
                  return t.getString("runId");
                }
              }
              return null;
            });
    head.process().destroyForcibly();
    head.process().waitFor();
    Node head2 = start("head-restarted", headArgs);
    String base2 = headUrl(head2);
    await("both workers to rejoin the restarted head", 180, () -> workers(base2).size() == 2);
    JsonObject done =
        await(
            "the second sweep to finish after the restart",
            300,
            () -> {
              JsonObject s = get(base2 + "/api/sweeps/" + secondId);
              return s.getString("status").equals("FINISHED") ? s : null;
            });
    Map<Integer, JsonObject> second = trials(base2, secondId);
    assertThat(second).hasSize(2);
    assertThat(second.values())
        .allSatisfy(t -> assertThat(t.getString("status")).isEqualTo("FINISHED"));
    JsonObject interrupted =
        second.values().stream()
            .filter(t -> t.getString("runId").equals(running))
            .findFirst()
            .orElseThrow();
    assertThat(interrupted.getInteger("attempts"))
        .as("the trial the head lost was retried")
        .isGreaterThanOrEqualTo(2);
    assertThat(series(base2, running, "epoch/train_loss").getLong("count"))
        .as("no epoch of the retried trial written twice")
        .isEqualTo(HEAD_EPOCHS);
    // the first sweep, finished before the head was killed, is intact after its restart
    Map<Integer, JsonObject> all = trials(base2, sweepId);
    assertThat(all).hasSize(6);
    assertThat(all.values())
        .allSatisfy(t -> assertThat(t.getString("status")).isEqualTo("FINISHED"));
    assertThat(get(base2 + "/api/sweeps/" + sweepId).getJsonObject("best"))
        .isEqualTo(first.getJsonObject("best"));
    done = get(base2 + "/api/sweeps/" + sweepId);
    assertThat(done.getJsonObject("best")).isNotNull();
    assertThat(done.getJsonArray("bestSoFar")).hasSize(6);
    // media cross the wire too: every trial trained on a worker has its graph and histograms at the
    // head
    List<JsonObject> onWorkers =
        all.values().stream().filter(t -> !t.getString("worker", "").startsWith("local-")).toList();
    assertThat(onWorkers).isNotEmpty();
    for (JsonObject t : onWorkers) {
      JsonObject media = get(base2 + "/api/runs/" + t.getString("runId") + "/media");
      assertThat(media.getBoolean("graph"))
          .as("graph of %s from %s", t.getString("runId"), t.getString("worker"))
          .isTrue();
      assertThat(media.getJsonArray("histograms"))
          .as("histograms of %s", t.getString("runId"))
          .isNotEmpty();
    }
    JsonObject importance = get(base2 + "/api/sweeps/" + sweepId + "/importance");
    assertThat(importance.getJsonArray("importances").getJsonObject(0).getString("param"))
        .isEqualTo("optimizer.lr");
    assertThat(w3.process().isAlive()).isTrue();
    System.out.printf(
        "cluster test: worker loss noticed and its trial re-queued within %.1f s of the kill%n",
        noticedSeconds);
  }

  private String submit(String base, String sweep) throws Exception {
    HttpResponse<String> submitted =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/sweeps"))
                .header("Content-Type", "text/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(sweep))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
    return new JsonObject(submitted.body()).getString("id");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
