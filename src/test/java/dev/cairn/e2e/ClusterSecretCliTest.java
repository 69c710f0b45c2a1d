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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster secret end to end, each node its own JVM on 127.0.0.1: a head started with a secret
 * file; a worker with a wrong secret is not admitted, says why and exits without a trial; a worker
 * with the right secret (from CAIRN_CLUSTER_SECRET) trains the sweep. Neither prints the secret. A
 * head or worker on a non-loopback cluster address without a secret refuses to start.
 */
class ClusterSecretCliTest {
  static final String SECRET = "s3cret-for-the-cluster-test-0123456789";
  static final String SWEEP =
      """
      name: secret
      spec:
        epochs: 3
        dataset: {plugin: xor, repeat: 16, batchSize: 16}
        model: {plugin: mlp, hidden: [4], activation: tanh}
        optimizer: {plugin: adam, lr: 0.01}
        loss: softmax-cross-entropy
      method: grid
      metric: {name: epoch/train_loss, goal: minimize}
      parameters:
        optimizer.lr: {values: [0.01, 0.02]}
      parallel: 1
      """;

  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Process start(String name, Map<String, String> env, String... args) throws IOException {
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb =
        CairnProcess.builder(null, args).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("CAIRN_CLUSTER_SECRET");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    processes.add(p);
    logs.add(log);
    return p;
  }

  private String log(String name) throws IOException {
    Path p = dir.resolve(name + ".log");
    return Files.exists(p) ? Files.readString(p) : "";
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    processes.forEach(Process::destroyForcibly);
    for (Process p : processes) {
      p.waitFor();
    }
  }

  private <T> T await(String what, int seconds, Callable<T> probe) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      try {
        T value = probe.call();
        if (value != null && !Boolean.FALSE.equals(value)) {
          return value;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(250);
    }
    StringBuilder all = new StringBuilder();
    for (Path l : logs) {
      all.append("\n--- ").append(l.getFileName()).append('\n').append(Files.readString(l));
    }
    throw new AssertionError("timed out after " + seconds + " s waiting for " + what + all);
  }

  private JsonObject get(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void aWorkerWithTheWrongSecretIsRefusedAndOneWithTheRightSecretTrains() throws Exception {
    Path secretFile = Files.writeString(dir.resolve("cluster.secret"), SECRET + "\n");
    int clusterPort = freePort();
    start(
        "head",
        Map.of(),
        "serve",
        "--cluster",
        "--cluster-host",
        "127.0.0.1",
        "--cluster-port",
        Integer.toString(clusterPort),
        "--cluster-secret-file",
        secretFile.toString(),
        "--port",
        "0",
        "--data-dir",
        dir.resolve("head").toString());
    Pattern url = Pattern.compile("serving (http://[^/]+)/api/runs");
    String base =
        await(
            "the head to serve",
            180,
            () -> {
              Matcher m = url.matcher(log("head"));
              return m.find() ? m.group(1) : null;
            });

    String[] join = {
      "worker",
      "--cluster",
      "--join",
      "127.0.0.1:" + clusterPort,
      "--cluster-port",
      Integer.toString(clusterPort + 1)
    };
    Process wrong =
        start(
            "wrong",
            Map.of("CAIRN_CLUSTER_SECRET", SECRET.replace('3', '4')),
            concat(join, "--data-dir", dir.resolve("wrong").toString()));
    assertThat(wrong.waitFor(180, TimeUnit.SECONDS))
        .as("the wrong-secret worker exits\n" + log("wrong"))
        .isTrue();
    assertThat(wrong.exitValue()).as(log("wrong")).isEqualTo(1);
    assertThat(log("wrong"))
        .contains("error: worker ")
        .contains(
            ": the head at 127.0.0.1:"
                + clusterPort
                + " did not admit this node to its cluster: their cluster secrets differ (or only one of them has one); "
                + "give both the same --cluster-secret-file or CAIRN_CLUSTER_SECRET")
        .doesNotContain("joined the cluster");
    assertThat(get(base + "/api/cluster/workers").getJsonArray("workers")).isEmpty();

    start(
        "right",
        Map.of("CAIRN_CLUSTER_SECRET", SECRET),
        concat(join, "--data-dir", dir.resolve("right").toString()));
    JsonArray workers =
        await(
            "the right-secret worker to join",
            180,
            () -> {
              JsonArray ws = get(base + "/api/cluster/workers").getJsonArray("workers");
              return ws.size() == 1 ? ws : null;
            });
    String workerId = workers.getJsonObject(0).getString("id");

    HttpResponse<String> submitted =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/sweeps"))
                .header("Content-Type", "text/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(SWEEP))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
    String sweepId = new JsonObject(submitted.body()).getString("id");
    await(
        "the sweep to finish",
        300,
        () -> !"RUNNING".equals(get(base + "/api/sweeps/" + sweepId).getString("status")));
    JsonArray trials = get(base + "/api/sweeps/" + sweepId + "/trials").getJsonArray("trials");
    assertThat(trials).hasSize(2);
    for (int i = 0; i < trials.size(); i++) {
      assertThat(trials.getJsonObject(i).getString("status"))
          .as(trials.encode())
          .isEqualTo("FINISHED");
      assertThat(trials.getJsonObject(i).getString("worker")).isEqualTo(workerId);
    }
    for (String name : List.of("head", "wrong", "right")) {
      assertThat(log(name))
          .as(name)
          .doesNotContain(SECRET)
          .doesNotContain(SECRET.replace('3', '4'));
    }
  }

  @Test
  void aClusterOffLoopbackWithoutSecretRefusesToStart() throws Exception {
    String fix =
        "(not loopback) needs a shared secret: put one in a file (openssl rand -base64 32 > cluster.secret; "
            + "chmod 600 cluster.secret) and pass --cluster-secret-file cluster.secret (or set CAIRN_CLUSTER_SECRET) on the head and every worker";
    Process head =
        start(
            "head-lan",
            Map.of(),
            "serve",
            "--cluster",
            "--cluster-host",
            "10.255.255.1",
            "--port",
            "0",
            "--data-dir",
            dir.resolve("h").toString());
    Process worker =
        start(
            "worker-lan",
            Map.of(),
            "worker",
            "--join",
            "10.255.255.1:5701",
            "--data-dir",
            dir.resolve("w").toString());
    assertThat(head.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(head.exitValue()).isEqualTo(2);
    assertThat(worker.exitValue()).isEqualTo(2);
    assertThat(log("head-lan").strip()).isEqualTo("error: a cluster on 10.255.255.1 " + fix);
    assertThat(log("worker-lan").strip())
        .isEqualTo("error: a cluster on 127.0.0.1, 10.255.255.1 " + fix);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
