package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes on one shared H2 server: starting {@code cairn runs} while another process trains
 * leaves its RUNNING run alone (its owner renews the run's lease), even long after the lease
 * length; once the trainer is killed with -9, the next start after the lease expired marks the run
 * FAILED, ended at its last heartbeat.
 */
class RunLeaseTest {
  @TempDir Path dir;

  @Test
  void onlyRunsOfDeadOwnersAreFailed() throws Exception {
    Server h2 =
        Server.createTcpServer(
                "-tcpPort", "0", "-ifNotExists", "-baseDir", dir.resolve("h2").toString())
            .start();
    try {
      String url = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/cairn";
      Map<String, String> lease =
          Map.of("CAIRN_HEARTBEAT_SECONDS", "1", "CAIRN_RUN_LEASE_SECONDS", "4");
      Path spec = dir.resolve("long.yaml");
      Files.writeString(
          spec,
          """
          name: leased
          epochs: 1000
          dataset: {plugin: xor, repeat: 2000, batchSize: 4}
          model: {plugin: mlp, hidden: [8]}
          optimizer: {plugin: sgd, lr: 0.1}
          loss: softmax-cross-entropy
          """);
      ProcessBuilder trainer =
          CairnProcess.builder(dir.resolve("a"), "run", spec.toString(), "--jdbc-url", url)
              .redirectErrorStream(true);
      trainer.environment().putAll(lease);
      Process p = trainer.start();
      p.getOutputStream().close();
      try (BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        boolean training = false;
        while ((line = out.readLine()) != null) {
          if (line.contains("epoch 1/1000")) {
            training = true;
            break;
          }
        }
        assertThat(training).as("the trainer started").isTrue();
        new Thread(() -> out.lines().forEach(l -> {})).start(); // keep draining its output

        // another process starts twice, the second time long after a lease length: the run stays
        // RUNNING
        for (int i = 0; i < 2; i++) {
          CairnProcess.Result runs =
              CairnProcess.run(lease, dir.resolve("b"), 2, "runs", "--json", "--jdbc-url", url);
          assertThat(runs.exitCode()).as(runs.stderr()).isZero();
          assertThat(runs.stderr()).doesNotContain("marked FAILED");
          JsonObject run = new JsonObject(runs.stdout()).getJsonArray("runs").getJsonObject(0);
          assertThat(run.getString("status")).isEqualTo("RUNNING");
          Thread.sleep(6000);
        }
        assertThat(p.isAlive()).isTrue();
        p.destroyForcibly(); // kill -9: no shutdown hook, no more heartbeats
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      Instant killed = Instant.now();
      Thread.sleep(5000); // past the lease
      CairnProcess.Result after =
          CairnProcess.run(lease, dir.resolve("b"), 2, "runs", "--json", "--jdbc-url", url);
      assertThat(after.stderr())
          .contains("1 run(s) left unfinished by an earlier process were marked FAILED");
      JsonArray list = new JsonObject(after.stdout()).getJsonArray("runs");
      JsonObject run = list.getJsonObject(0);
      assertThat(run.getString("status")).isEqualTo("FAILED");
      assertThat(run.getString("message")).contains("kill -9");
      // ended at its last heartbeat: before the kill, not when this process started
      assertThat(Instant.parse(run.getString("endedAt"))).isBefore(killed);
    } finally {
      h2.stop();
    }
  }
}
