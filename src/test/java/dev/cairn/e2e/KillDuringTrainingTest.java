package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.tracking.H2TrackingStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a training JVM: on the next start the run is FAILED, not RUNNING forever, every metric
 * flushed before the kill is still there, and the database opens cleanly.
 */
class KillDuringTrainingTest {
  @TempDir Path dir;

  @Test
  void killedRunIsMarkedFailedAndKeepsFlushedMetrics() throws Exception {
    Path spec = dir.resolve("long.yaml");
    Files.writeString(
        spec,
        """
        name: long-mlp
        epochs: 200
        logging: {everySteps: 5}
        dataset: {plugin: fashion-mnist, batchSize: 64, limit: 6400}
        model: {plugin: mlp, hidden: [64]}
        optimizer: {plugin: sgd, lr: 0.1}
        loss: {plugin: softmax-cross-entropy}
        """);
    Path data = dir.resolve("data");
    // short leases so the test need not wait the default 30 s for the dead owner's lease to expire
    Map<String, String> lease =
        Map.of("CAIRN_HEARTBEAT_SECONDS", "1", "CAIRN_RUN_LEASE_SECONDS", "3");
    ProcessBuilder trainer =
        CairnProcess.builder(data, "run", spec.toString()).redirectErrorStream(true);
    trainer.environment().putAll(lease);
    Process p = trainer.start();
    p.getOutputStream().close();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      boolean sawEpoch2 = false;
      while ((line = out.readLine()) != null) {
        if (line.contains("epoch 2/200")) {
          sawEpoch2 = true;
          break;
        }
      }
      assertThat(sawEpoch2).as("training reached epoch 2").isTrue();
      Thread.sleep(1500); // > the writer's 500 ms flush interval
      p.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    Thread.sleep(4000); // past the killed owner's lease
    CairnProcess.Result runs = CairnProcess.run(lease, data, 2, "runs", "--json");
    assertThat(runs.exitCode()).as(runs.stderr()).isZero();
    assertThat(runs.stderr())
        .contains("1 run(s) left unfinished by an earlier process were marked FAILED");
    JsonArray list = new JsonObject(runs.stdout()).getJsonArray("runs");
    assertThat(list).hasSize(1);
    JsonObject run = list.getJsonObject(0);
    assertThat(run.getString("status")).isEqualTo("FAILED");
    assertThat(run.getString("message")).contains("kill -9");
    JsonObject metrics = run.getJsonObject("metrics");
    assertThat(metrics.getDouble("epoch/train_loss")).isNotNull();
    assertThat(metrics.getDouble("epoch/test_accuracy")).isNotNull();
    assertThat(metrics.getDouble("train/loss")).isNotNull();

    // read the store directly: both finished epochs are there in full
    try (var store = H2TrackingStore.openInDirectory(data)) {
      var series = store.series(run.getString("id"));
      long epochPoints =
          series.stream()
              .filter(s -> s.tag().equals("epoch/train_loss"))
              .findFirst()
              .orElseThrow()
              .count();
      long stepPoints =
          series.stream()
              .filter(s -> s.tag().equals("train/loss"))
              .findFirst()
              .orElseThrow()
              .count();
      assertThat(epochPoints).isGreaterThanOrEqualTo(2);
      assertThat(stepPoints).isGreaterThanOrEqualTo(2 * 100 / 5);
    }

    // a second start finds nothing left to repair: the database is consistent
    CairnProcess.Result again = CairnProcess.run(data, 2, "runs");
    assertThat(again.exitCode()).isZero();
    assertThat(again.stderr()).doesNotContain("marked FAILED");
    assertThat(again.stdout()).contains("long-mlp", "FAILED");
  }
}
