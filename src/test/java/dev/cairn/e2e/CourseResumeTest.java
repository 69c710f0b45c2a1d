package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.tracking.H2TrackingStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 after a checkpoint, then {@code cairn resume}: the run finishes under its own id. */
class CourseResumeTest {
  @TempDir Path dir;

  @Test
  void aKilledRunResumesFromItsLastCheckpoint() throws Exception {
    Path spec = dir.resolve("long.yaml");
    Files.writeString(
        spec,
        """
        name: resumable
        epochs: 40
        logging: {everySteps: 10}
        dataset: {plugin: synthetic-linear, n: 2000, batchSize: 10}
        model: linear
        optimizer: {plugin: sgd, lr: 0.01}
        loss: l2
        training: {checkpointEvery: 1}
        """);
    Path data = dir.resolve("data");
    // short leases so the test need not wait the default 30 s for the dead owner's lease to expire
    Map<String, String> lease =
        Map.of("CAIRN_HEARTBEAT_SECONDS", "1", "CAIRN_RUN_LEASE_SECONDS", "3");
    ProcessBuilder trainer =
        CairnProcess.builder(data, "run", spec.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("run.log").toFile());
    trainer.environment().putAll(lease);
    Process p = trainer.start();
    p.getOutputStream().close();
    Path checkpoint = null;
    long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(3);
    while (checkpoint == null && System.currentTimeMillis() < deadline && p.isAlive()) {
      Thread.sleep(100);
      checkpoint = find(data, "epoch-0002");
    }
    assertThat(checkpoint)
        .as("a checkpoint after epoch 2; log:\n%s", Files.readString(dir.resolve("run.log")))
        .isNotNull();
    p.destroyForcibly();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String runId = checkpoint.getParent().getParent().getFileName().toString();

    Thread.sleep(4_000); // past the dead trainer's 3 s lease
    CairnProcess.Result bad = CairnProcess.run(lease, data, 2, "resume", "nope");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.stderr())
        .contains("no run with id 'nope'")
        .contains("1 run(s) left unfinished by an earlier process were marked FAILED");

    CairnProcess.Result resumed = CairnProcess.run(data, 10, "resume", runId, "--json");
    assertThat(resumed.exitCode()).as(resumed.stderr()).isZero();
    assertThat(resumed.stderr()).contains("resuming run " + runId + " after epoch");
    // loading the checkpoint must not go through DJL's NDArray.set, whose native side makes
    // libtorch
    // print a deprecation warning (AutoNonVariableTypeMode) on the user's terminal
    assertThat(resumed.stderr()).doesNotContain("AutoNonVariableTypeMode");
    JsonObject run = new JsonObject(resumed.stdout());
    assertThat(run.getString("id")).isEqualTo(runId);
    assertThat(run.getString("status")).isEqualTo("FINISHED");
    assertThat(run.getLong("steps")).isEqualTo(40 * 200);
    assertThat(run.getJsonObject("metrics").getDouble("train/loss")).isLessThan(1e-3);

    CairnProcess.Result list = CairnProcess.run(data, 2, "runs", "--json");
    JsonArray runs = new JsonObject(list.stdout()).getJsonArray("runs");
    assertThat(runs).hasSize(1);
    assertThat(runs.getJsonObject(0).getString("status")).isEqualTo("FINISHED");
    try (var store = H2TrackingStore.openInDirectory(data)) {
      // every epoch after the checkpoint comes from the resumed process; before it, all that the
      // killed one had flushed (kill -9 may take the last half second's points with it)
      long[] epochs = store.readSeries(runId, "epoch/train_loss", 0).orElseThrow().steps();
      // (epochs 1 and 2 are fast enough that both can still be unflushed when the kill lands)
      assertThat(epochs)
          .endsWith(40L)
          .contains(LongStream.rangeClosed(3, 40).toArray())
          .isSorted()
          .doesNotHaveDuplicates();
    }

    CairnProcess.Result again = CairnProcess.run(data, 2, "resume", runId);
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.stderr()).contains("is FINISHED; only a FAILED or KILLED run can be resumed");
  }

  private static Path find(Path data, String checkpoint) throws Exception {
    Path runs = data.resolve("runs");
    if (!Files.isDirectory(runs)) {
      return null;
    }
    try (Stream<Path> dirs = Files.list(runs)) {
      return dirs.map(d -> d.resolve("checkpoints").resolve(checkpoint))
          .filter(d -> Files.isRegularFile(d.resolve("checkpoint.json")))
          .findFirst()
          .orElse(null);
    }
  }
}
