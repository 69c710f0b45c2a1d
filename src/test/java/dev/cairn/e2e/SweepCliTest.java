package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.tracking.H2TrackingStore;
import dev.cairn.core.tracking.RunQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn sweep} in one process: bad sweeps fail before any trial, trials are ordinary runs
 * with their sampled params, pruned trials end PRUNED with their step, and a sweep killed with kill
 * -9 resumes where it was when started again (finished trials are not repeated).
 */
class SweepCliTest {
  @TempDir Path dir;

  static String xorSweep(String name, String method, String extra) {
    return """
        name: %s
        spec:
          epochs: 12
          logging: {everySteps: 8}
          dataset: {plugin: xor, repeat: 32, batchSize: 16}
          model: {plugin: mlp, hidden: [8], activation: tanh}
          optimizer: {plugin: adam, lr: 0.01}
          loss: softmax-cross-entropy
        method: %s
        metric: {name: epoch/train_loss, goal: minimize}
        parameters:
          optimizer.lr: {values: [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1]}
        %s
        """
        .formatted(name, method, extra);
  }

  @Test
  void badSweepFailsBeforeAnyTrialNamingTheField() throws Exception {
    Path sweep = dir.resolve("bad.yaml");
    Files.writeString(
        sweep,
        xorSweep("bad", "random", "").replace("optimizer.lr: {values", "optimizer.lrr: {values"));
    Path data = dir.resolve("data");
    CairnProcess.Result r = CairnProcess.run(data, 3, "sweep", sweep.toString());
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
    assertThat(r.stderr())
        .contains("parameters.optimizer.lrr: unknown parameter; did you mean 'lr'?");
    CairnProcess.Result runs = CairnProcess.run(data, 2, "runs", "--json");
    assertThat(new JsonObject(runs.stdout()).getJsonArray("runs")).isEmpty();

    Files.writeString(
        sweep,
        xorSweep("bad", "random", "")
            .replace(
                "{values: [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1]}",
                "{distribution: log_uniform, min: 0, max: 1}"));
    r = CairnProcess.run(null, 3, "sweep", sweep.toString(), "--data-dir", data.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr())
        .contains("parameters.optimizer.lr.min: 0 is not allowed; a log range needs 0 < min < max");
  }

  @Test
  void cappedGridSaysWhichPointsItCoversAndReportsProgressAndTheBestSoFar() throws Exception {
    Path sweep = dir.resolve("capped.yaml");
    // long enough that a trial is seen training (progress is polled every 2 s)
    Files.writeString(sweep, xorSweep("capped", "grid", "").replace("epochs: 12", "epochs: 1000"));
    CairnProcess.Result r =
        CairnProcess.run(dir.resolve("data"), 10, "sweep", sweep.toString(), "--run-cap", "2");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    List<String> lines = r.stderr().lines().toList();
    assertThat(lines.get(0))
        .matches("sweep \\w+ \\(capped\\): grid, minimize epoch/train_loss, 2 trials, 1 at once");
    assertThat(lines)
        .contains(
            "the grid has 6 points; a run cap of 2 covers the first 2 in grid order (the last parameter varies fastest):",
            "  1: {\"optimizer.lr\":3.0E-4}",
            "  2: {\"optimizer.lr\":0.001}");
    // a live line while a trial trains: trial n of the cap, the epoch, the metric so far, the
    // params
    assertThat(lines)
        .anyMatch(
            l ->
                l.matches(
                    "  trial [12]/2  run \\w+  epoch \\d+  epoch/train_loss \\d\\.\\d{4}  \\{\"optimizer.lr\":[0-9.E-]+\\}.*"));
    assertThat(lines.stream().filter(l -> l.startsWith("best so far: epoch/train_loss ")).count())
        .isEqualTo(2);
  }

  @Test
  void trialsAreRunsWithTheirParamsAndPrunedOnesEndPruned() throws Exception {
    Path sweep = dir.resolve("grid.yaml");
    // the best rate first: every later trial is worse at the first rung, and ASHA with eta 2 stops
    // it
    Files.writeString(
        sweep,
        xorSweep(
                "grid",
                "grid",
                "early_terminate: {type: asha, min_resource: 2, reduction_factor: 2}")
            .replace(
                "[0.0003, 0.001, 0.003, 0.01, 0.03, 0.1]",
                "[0.1, 0.03, 0.01, 0.003, 0.001, 0.0003]"));
    Path data = dir.resolve("data");
    CairnProcess.Result r = CairnProcess.run(data, 10, "sweep", sweep.toString(), "--json");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    JsonObject result = new JsonObject(r.stdout());
    assertThat(result.getString("status")).isEqualTo("FINISHED");
    JsonArray trials = result.getJsonArray("trials");
    assertThat(trials).hasSize(6);
    Map<String, JsonObject> byRun = new HashMap<>();
    int pruned = 0;
    for (int i = 0; i < trials.size(); i++) {
      JsonObject t = trials.getJsonObject(i);
      byRun.put(t.getString("runId"), t);
      assertThat(t.getInteger("attempts")).isEqualTo(1);
      if (t.getString("status").equals("PRUNED")) {
        pruned++;
        assertThat(t.getLong("prunedStep")).isIn(2L, 4L, 8L);
      } else {
        assertThat(t.getString("status")).isEqualTo("FINISHED");
        assertThat(t.getLong("step")).isEqualTo(12L);
      }
    }
    assertThat(pruned)
        .as("ASHA with eta 2 stops trials that are not the best at a rung")
        .isPositive();

    CairnProcess.Result runs = CairnProcess.run(data, 2, "runs", "--json");
    JsonArray list = new JsonObject(runs.stdout()).getJsonArray("runs");
    assertThat(list).hasSize(6);
    for (int i = 0; i < list.size(); i++) {
      JsonObject run = list.getJsonObject(i);
      JsonObject trial = byRun.get(run.getString("id"));
      assertThat(trial).as("every run is a trial of the sweep").isNotNull();
      assertThat(run.getString("status")).isEqualTo(trial.getString("status"));
      if (run.getString("status").equals("PRUNED")) {
        assertThat(run.getString("message"))
            .startsWith("pruned at step " + trial.getLong("prunedStep") + ": asha");
        // the run stopped soon after the rung: it has fewer epochs than the sweep's 12
        assertThat(run.getJsonObject("metrics").getDouble("epoch/train_loss")).isNotNull();
      }
    }
    try (var store = H2TrackingStore.openInDirectory(data)) {
      for (JsonObject t : byRun.values()) {
        Map<String, String> params = store.params(t.getString("runId"));
        assertThat(Double.parseDouble(params.get("optimizer.lr")))
            .isEqualTo(t.getJsonObject("params").getDouble("optimizer.lr"));
        assertThat(params)
            .containsEntry("sweep.id", result.getString("id"))
            .containsKey("dataset.batchSize");
        long epochs =
            store.series(t.getString("runId")).stream()
                .filter(s -> s.tag().equals("epoch/train_loss"))
                .findFirst()
                .orElseThrow()
                .count();
        if (t.getString("status").equals("PRUNED")) {
          assertThat(epochs).isBetween(t.getLong("prunedStep"), 11L);
        } else {
          assertThat(epochs).isEqualTo(12);
        }
      }
    }
  }

  @Test
  void aKilledSweepResumesWithoutRepeatingFinishedTrials() throws Exception {
    Path sweep = dir.resolve("resume.yaml");
    Files.writeString(
        sweep,
        xorSweep("resume", "random", "run_cap: 4\nseed: 3")
            .replace(
                "{values: [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1]}",
                "{distribution: log_uniform, min: 0.001, max: 0.1}")
            .replace("epochs: 12", "epochs: 600")); // long enough that the kill lands mid-training
    Path data = dir.resolve("data");
    Process p =
        CairnProcess.builder(data, "sweep", sweep.toString()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    Map<Integer, String> before = new HashMap<>();
    Pattern trialLine = Pattern.compile("^trial (\\d+)/4\\s+run (\\w+)\\s+(\\w+)");
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        Matcher m = trialLine.matcher(line);
        if (m.find()) {
          before.put(Integer.parseInt(m.group(1)), m.group(2));
          if (before.size() == 2) {
            break;
          }
        }
      }
      Thread.sleep(1500); // the third trial is training
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(before).as("two trials ended before the kill").hasSize(2);

    CairnProcess.Result again =
        CairnProcess.run(data, 10, "sweep", sweep.toString(), "--json", "--run-cap", "5");
    assertThat(again.exitCode()).as(again.stderr()).isZero();
    assertThat(again.stderr())
        .contains("resuming sweep")
        .contains("2 trial(s) already done, 1 to retry");
    JsonObject result = new JsonObject(again.stdout());
    JsonArray trials = result.getJsonArray("trials");
    assertThat(trials).as("--run-cap 5 raised the cap on resume").hasSize(5);
    for (int i = 0; i < trials.size(); i++) {
      JsonObject t = trials.getJsonObject(i);
      assertThat(t.getString("status")).isIn("FINISHED", "PRUNED");
      String earlier = before.get(t.getInteger("trialNo"));
      if (earlier != null) {
        assertThat(t.getString("runId")).isEqualTo(earlier);
        assertThat(t.getInteger("attempts"))
            .as("finished before the kill: not repeated")
            .isEqualTo(1);
      }
    }
    JsonObject third = trials.getJsonObject(2);
    assertThat(third.getInteger("attempts"))
        .as("the trial killed mid-training was retried")
        .isEqualTo(2);
    try (var store = H2TrackingStore.openInDirectory(data)) {
      var series =
          store.series(third.getString("runId")).stream()
              .filter(s -> s.tag().equals("epoch/train_loss"))
              .findFirst()
              .orElseThrow();
      assertThat(series.count()).isEqualTo(600);
      assertThat(series.firstStep()).isEqualTo(1);
      assertThat(series.lastStep()).isEqualTo(600);
      assertThat(store.listRuns(RunQuery.firstPage(100)).items()).hasSize(5);
    }
  }

  @Test
  void aSweepStoppedWithSigtermEndsItsTrainingTrialKilledAndRetriesItOnResume() throws Exception {
    Path sweep = dir.resolve("stop.yaml");
    Files.writeString(
        sweep,
        // long enough that the stop lands mid-training
        xorSweep("stop", "grid", "run_cap: 2").replace("epochs: 12", "epochs: 600"));
    Path data = dir.resolve("data");
    Path log = dir.resolve("stop.log");
    Process p =
        CairnProcess.builder(data, "sweep", sweep.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    p.getOutputStream().close();
    for (int i = 0;
        i < 1200 && !Files.readString(log).lines().anyMatch(l -> l.matches("^trial 1/2\\s+run.*"));
        i++) {
      Thread.sleep(100);
    }
    Thread.sleep(1500); // the second trial is training
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).anyMatch(l -> l.matches("^trial 1/2\\s+run.*"));
    assertThat(String.join("\n", lines)).doesNotContain("Exception").doesNotContain("\tat ");
    try (var store = H2TrackingStore.openInDirectory(data)) {
      var statuses =
          store.listRuns(RunQuery.firstPage(100)).items().stream()
              .map(r -> r.status().name())
              .toList();
      assertThat(statuses)
          .as("trial 1 finished, trial 2 stopped mid-training")
          .containsExactlyInAnyOrder("FINISHED", "KILLED");
    }
    CairnProcess.Result again = CairnProcess.run(data, 10, "sweep", sweep.toString(), "--json");
    assertThat(again.exitCode()).as(again.stderr()).isZero();
    JsonArray trials = new JsonObject(again.stdout()).getJsonArray("trials");
    assertThat(trials).hasSize(2);
    assertThat(trials.getJsonObject(1).getString("status")).isIn("FINISHED", "PRUNED");
    assertThat(trials.getJsonObject(1).getInteger("attempts"))
        .as("the stopped trial was retried")
        .isEqualTo(2);
  }
}
