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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ctrl-C (SIGINT) or SIGTERM on a training {@code cairn run}: the run stops after its batch, its
 * points are flushed, it ends KILLED, the process says so in one line, and the database opens
 * cleanly afterwards (nothing left for the next start to repair).
 */
class SignalStopTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void signalStopsTheRunKilledAndQuietly(String signal) throws Exception {
    Path spec = dir.resolve("long.yaml");
    Files.writeString(
        spec,
        """
        name: long-mlp
        epochs: 200
        logging: {everySteps: 5}
        dataset: {plugin: fashion-mnist, batchSize: 64, limit: 3200}
        model: {plugin: mlp, hidden: [32]}
        optimizer: {plugin: sgd, lr: 0.1}
        loss: {plugin: softmax-cross-entropy}
        """);
    Path data = dir.resolve("data");
    ProcessBuilder pb = CairnProcess.builder(data, "run", spec.toString());
    // a shell without job control starts background commands with SIGINT ignored, and an ignored
    // SIGINT stays ignored across exec: restore the default so the JVM installs its handler
    List<String> cmd =
        new ArrayList<>(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die $!"));
    cmd.addAll(pb.command());
    pb.command(cmd).redirectOutput(dir.resolve("stdout.txt").toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    BufferedReader err =
        new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    int epochsReported = 0;
    String line;
    while ((line = err.readLine()) != null) {
      stderr.add(line);
      if (line.startsWith("epoch ")) {
        epochsReported++;
        if (epochsReported == 2) {
          break;
        }
      }
    }
    assertThat(epochsReported).as("training reached epoch 2: %s", stderr).isEqualTo(2);
    int before = stderr.size();
    Thread drain = new Thread(() -> err.lines().forEach(stderr::add));
    drain.start();
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("cairn run exits after SIG%s", signal).isTrue();
    drain.join(10_000);

    List<String> after = new ArrayList<>(stderr.subList(before, stderr.size()));
    after.removeIf(
        l -> l.startsWith("epoch ")); // an epoch that ended between the last read and the signal
    assertThat(after).as("stderr after SIG%s", signal).hasSizeLessThanOrEqualTo(3);
    assertThat(String.join("\n", after))
        .contains("marked KILLED")
        .doesNotContain("Exception", "\tat ");
    assertThat(Files.readString(dir.resolve("stdout.txt"))).contains("KILLED");

    CairnProcess.Result runs = CairnProcess.run(data, 2, "runs", "--json");
    assertThat(runs.exitCode()).as(runs.stderr()).isZero();
    assertThat(runs.stderr()).as("nothing left to repair").doesNotContain("marked FAILED");
    JsonArray list = new JsonObject(runs.stdout()).getJsonArray("runs");
    assertThat(list).hasSize(1);
    JsonObject run = list.getJsonObject(0);
    assertThat(run.getString("status")).isEqualTo("KILLED");

    // every epoch the process reported before the signal is stored, and its per-step points
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
      assertThat(epochPoints).isGreaterThanOrEqualTo(epochsReported);
      assertThat(stepPoints).isGreaterThanOrEqualTo(epochsReported * 50 / 5);
    }
  }
}
