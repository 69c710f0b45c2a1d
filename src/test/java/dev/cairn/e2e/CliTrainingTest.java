package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.core.tracking.H2TrackingStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The course results the foundation promises, trained for real through the assembled distribution:
 * a child JVM, plugins loaded by PF4J from their jars, H2 on disk.
 */
class CliTrainingTest {
  @TempDir Path data;

  @Test
  void linearRegressionRecoversWeightsAndBias() throws Exception {
    JsonObject run = runJson("experiments/linear-regression.yaml");
    assertThat(run.getString("status")).isEqualTo("FINISHED");
    JsonObject params = run.getJsonObject("parameters");
    JsonArray w =
        params.fieldNames().stream()
            .filter(n -> n.endsWith("weight"))
            .findFirst()
            .map(n -> params.getJsonObject(n).getJsonArray("values"))
            .orElseThrow();
    JsonArray b =
        params.fieldNames().stream()
            .filter(n -> n.endsWith("bias"))
            .findFirst()
            .map(n -> params.getJsonObject(n).getJsonArray("values"))
            .orElseThrow();
    assertThat(w.getDouble(0)).isCloseTo(2.0, within(0.01));
    assertThat(w.getDouble(1)).isCloseTo(-3.4, within(0.01));
    assertThat(b.getDouble(0)).isCloseTo(4.2, within(0.01));
    assertThat(run.getJsonObject("metrics").getDouble("train/loss")).isLessThan(1e-3);
    assertThat(run.getJsonObject("params").getString("optimizer.lr")).isEqualTo("0.03");
  }

  @Test
  void sameSeedAndSpecGiveIdenticalMetrics() throws Exception {
    JsonObject first = runJson("experiments/linear-regression.yaml");
    JsonObject second = runJson("experiments/linear-regression.yaml");
    assertThat(second.getString("id")).isNotEqualTo(first.getString("id"));
    assertThat(second.getJsonObject("metrics")).isEqualTo(first.getJsonObject("metrics"));
    assertThat(second.getJsonObject("parameters")).isEqualTo(first.getJsonObject("parameters"));

    // and the stored per-step series are identical too
    CairnProcess.Result runs = CairnProcess.run(data, 2, "runs", "--json");
    assertThat(runs.exitCode()).as(runs.stderr()).isZero();
    JsonArray listed = new JsonObject(runs.stdout()).getJsonArray("runs");
    assertThat(listed).hasSize(2);
    assertThat(withoutTimings(listed.getJsonObject(0).getJsonObject("metrics")))
        .isEqualTo(withoutTimings(listed.getJsonObject(1).getJsonObject("metrics")))
        .containsKeys("train/loss", "train/lr", "epoch/train_loss");
    try (var store = H2TrackingStore.openInDirectory(data)) {
      var a = store.readSeries(first.getString("id"), "train/loss", 0).orElseThrow();
      var b = store.readSeries(second.getString("id"), "train/loss", 0).orElseThrow();
      assertThat(a.steps()).isEqualTo(b.steps());
      assertThat(a.values()).isEqualTo(b.values());
    }
  }

  /**
   * Wall-clock figures (throughput, epoch time) and the process's own use of the machine ({@code
   * system/*}: CPU, memory) differ run to run; everything else must not.
   */
  private static Map<String, Object> withoutTimings(JsonObject metrics) {
    Map<String, Object> out = new TreeMap<>(metrics.getMap());
    out.keySet()
        .removeIf(
            tag ->
                tag.endsWith("samples_per_sec")
                    || tag.endsWith("time_s")
                    || tag.startsWith("system/"));
    return out;
  }

  @Test
  void mlpSolvesXor() throws Exception {
    JsonObject run = runJson("experiments/xor-mlp.yaml");
    assertThat(run.getJsonObject("metrics").getDouble("test/accuracy")).isEqualTo(1.0);
  }

  /**
   * README's first command, run as README shows it: every line of README's tour appears in what it
   * prints, with the run id, speeds and times masked (they vary) and the losses and accuracies
   * compared as printed, to 4 decimals (same spec and seed on the CPU give the same figures).
   */
  @Test
  void softmaxRegressionOnFashionMnistPrintsReadmesTour() throws Exception {
    String command = "tools/cairn run experiments/softmax-fashion-mnist.yaml";
    String readme = Files.readString(CairnProcess.REPO.resolve("README.md"));
    int start = readme.indexOf("$ " + command + "\n");
    assertThat(start).as("README's tour starts with its first command").isPositive();
    List<String> tour =
        readme
            .substring(start, readme.indexOf("```", start))
            .lines()
            .skip(1)
            .filter(l -> !l.isBlank() && !l.equals("..."))
            .map(CliTrainingTest::masked)
            .toList();

    CairnProcess.Result r =
        CairnProcess.run(data, 10, "run", "experiments/softmax-fashion-mnist.yaml");
    assertThat(r.exitCode()).as("exit code; stderr:\n%s", r.stderr()).isZero();
    String accuracy =
        r.stdout().lines().filter(l -> l.startsWith("test/accuracy ")).findFirst().orElseThrow();
    assertThat(Double.parseDouble(accuracy.substring("test/accuracy".length()).strip()))
        .isGreaterThanOrEqualTo(0.82);
    List<String> printed =
        (r.stderr() + "\n" + r.stdout()).lines().map(CliTrainingTest::masked).toList();
    Assumptions.assumeTrue(
        printed.stream().anyMatch(l -> l.startsWith("run ID on cpu:")),
        "README's figures are the CPU's; this machine trained on a GPU");
    assertThat(tour).hasSizeGreaterThan(10);
    assertThat(printed).as("what `%s` printed", command).containsAll(tour);
  }

  /** A line of the tour or of the output with what varies from run to run masked. */
  static String masked(String line) {
    return line.replaceAll("^run [a-z0-9]{8}\\b", "run ID")
        .replaceAll("^run id: [a-z0-9]{8}$", "run id: ID")
        .replaceAll("[\\d,]+ samples/s \\| [\\d.]+ s$", "N samples/s | T s")
        .replaceAll(" in [\\d.]+ s \\(", " in T s (")
        .stripTrailing();
  }

  @Test
  void mlpOnFashionMnist() throws Exception {
    JsonObject run = runJson("experiments/mlp-fashion-mnist.yaml");
    assertThat(run.getJsonObject("metrics").getDouble("test/accuracy"))
        .isGreaterThanOrEqualTo(0.85);
  }

  @Test
  void humanOutputHasSummaryTableAndRunId() throws Exception {
    CairnProcess.Result r = CairnProcess.run(data, 5, "run", "experiments/linear-regression.yaml");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).contains("epoch 1/3", "epoch 3/3", "samples/s");
    assertThat(r.stdout()).contains("metric", "train/loss", "FINISHED", "run id: ");
    String id =
        r.stdout()
            .lines()
            .filter(l -> l.startsWith("run id: "))
            .findFirst()
            .orElseThrow()
            .substring(8);

    CairnProcess.Result runs = CairnProcess.run(data, 2, "runs");
    assertThat(runs.stdout()).contains(id, "linear-regression", "FINISHED");
    assertThat(Files.exists(data.resolve("cairn.mv.db"))).isTrue();
  }

  private JsonObject runJson(String spec) throws Exception {
    CairnProcess.Result r = CairnProcess.run(data, 10, "run", spec, "--json");
    assertThat(r.exitCode()).as("exit code; stderr:\n%s", r.stderr()).isZero();
    return new JsonObject(r.stdout());
  }
}
