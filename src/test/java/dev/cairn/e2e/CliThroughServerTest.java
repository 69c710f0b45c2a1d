package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many writers, one store: while {@code cairn serve} owns a data directory, other commands on it
 * find the server through {@code server.json} and work through it instead of failing on a locked
 * database. Two {@code cairn run} train at once in their own processes and log over HTTP; {@code
 * cairn runs} reads through the REST API; with tokens required, the local token file lets them in.
 */
class CliThroughServerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void twoCliRunsAndRunsListingWhileServeRuns() throws Exception {
    Path data = dir.resolve("data");
    // the same spec once with the embedded store, as the reference
    CairnProcess.Result embedded =
        CairnProcess.run(data, 10, "run", "experiments/linear-regression.yaml", "--json");
    assertThat(embedded.exitCode()).as(embedded.stderr()).isZero();
    String embeddedId = new JsonObject(embedded.stdout()).getString("id");
    CairnProcess.Server server = CairnProcess.serve(data);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      JsonObject advertised = new JsonObject(Files.readString(data.resolve("server.json")));
      assertThat(advertised.getString("url")).isEqualTo(server.base());
      assertThat(advertised.getLong("pid")).isEqualTo(server.process().pid());
      assertThat(data.resolve("server.token"))
          .as("no token file while the server needs no tokens")
          .doesNotExist();

      List<Future<CairnProcess.Result>> runs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        runs.add(
            pool.submit(
                () ->
                    CairnProcess.run(
                        data, 10, "run", "experiments/linear-regression.yaml", "--json")));
      }
      List<JsonObject> printed = new ArrayList<>();
      for (Future<CairnProcess.Result> f : runs) {
        CairnProcess.Result r = f.get();
        assertThat(r.exitCode()).as("exit code; stderr:\n%s", r.stderr()).isZero();
        assertThat(r.stderr())
            .contains("logging to the server at " + server.base())
            .doesNotContain("in use");
        printed.add(new JsonObject(r.stdout()));
      }
      assertThat(printed)
          .extracting(j -> j.getString("status"))
          .containsExactly("FINISHED", "FINISHED");
      assertThat(printed.get(0).getString("id")).isNotEqualTo(printed.get(1).getString("id"));

      JsonArray listed = get(server.base(), "/api/runs", null).getJsonArray("runs");
      assertThat(listed.size()).isEqualTo(3);
      JsonObject reference = get(server.base(), "/api/runs/" + embeddedId, null);
      for (JsonObject cli : printed) {
        JsonObject stored = get(server.base(), "/api/runs/" + cli.getString("id"), null);
        assertThat(stored.getString("status")).isEqualTo("FINISHED");
        assertThat(stored.getString("experiment")).isEqualTo("course");
        assertThat(stored.getString("specText")).contains("synthetic-linear");
        assertThat(stored.getLong("seed")).isEqualTo(42L);
        assertThat(stored.getString("source")).isEqualTo("cairn-cli");
        assertThat(stored.getJsonObject("provenance").fieldNames())
            .containsAll(reference.getJsonObject("provenance").fieldNames());
        assertThat(stored.getString("specHash")).isEqualTo(reference.getString("specHash"));
        assertThat(stored.getString("device")).isEqualTo(reference.getString("device"));
        assertThat(stored.getJsonObject("params").getMap())
            .isEqualTo(reference.getJsonObject("params").getMap());
        // same spec, same seed, same CPU: the same points as the embedded run, tag for tag
        assertThat(withoutTimings(stored.getJsonObject("metrics")))
            .isEqualTo(withoutTimings(reference.getJsonObject("metrics")));
        assertThat(stored.getJsonArray("series").size())
            .isEqualTo(reference.getJsonArray("series").size());
        JsonObject series =
            get(server.base(), "/api/runs/" + cli.getString("id") + "/series?tag=train/loss", null);
        assertThat(series.getJsonArray("steps").size()).isPositive();
        // the model graph travels too, the same as the embedded run's
        assertThat(get(server.base(), "/api/runs/" + cli.getString("id") + "/graph", null))
            .isEqualTo(get(server.base(), "/api/runs/" + embeddedId + "/graph", null));
      }

      CairnProcess.Result listing = CairnProcess.run(data, 2, "runs");
      assertThat(listing.exitCode()).as(listing.stderr()).isZero();
      assertThat(listing.stdout())
          .contains(printed.get(0).getString("id"), printed.get(1).getString("id"), "FINISHED");
    } finally {
      pool.shutdownNow();
      server.stop();
    }
    assertThat(data.resolve("server.json")).as("removed on a clean exit").doesNotExist();
    // without a server, the embedded store again: the runs are there
    CairnProcess.Result after = CairnProcess.run(data, 2, "runs", "--json");
    assertThat(after.exitCode()).as(after.stderr()).isZero();
    assertThat(new JsonObject(after.stdout()).getJsonArray("runs").size()).isEqualTo(3);
  }

  /** export, import and sweep act server-side through its REST API. */
  @Test
  void exportImportAndSweepWorkThroughTheServer() throws Exception {
    Path data = dir.resolve("data");
    CairnProcess.Server server = CairnProcess.serve(data);
    try {
      CairnProcess.Result run =
          CairnProcess.run(data, 10, "run", "experiments/linear-regression.yaml", "--json");
      assertThat(run.exitCode()).as(run.stderr()).isZero();
      String id = new JsonObject(run.stdout()).getString("id");

      Path onnx = dir.resolve("out/model.onnx");
      CairnProcess.Result export =
          CairnProcess.run(data, 5, "export", id, "--out", onnx.toString());
      assertThat(export.exitCode()).as(export.stderr()).isZero();
      assertThat(export.stderr()).contains("exporting through the server at " + server.base());
      assertThat(export.stdout()).contains("exported run " + id, "verified");
      assertThat(Files.size(onnx)).isPositive();
      JsonArray artifacts =
          get(server.base(), "/api/runs/" + id + "/artifacts", null).getJsonArray("artifacts");
      assertThat(artifacts.getJsonObject(0).getLong("sizeBytes")).isEqualTo(Files.size(onnx));

      CairnProcess.Result imported =
          CairnProcess.run(data, 5, "import", onnx.toString(), "--name", "again");
      assertThat(imported.exitCode()).as(imported.stderr()).isZero();
      String modelId = imported.stdout().trim();
      assertThat(modelId).isNotBlank();
      assertThat(get(server.base(), "/api/models/" + modelId, null).getString("sha256"))
          .hasSize(64);

      Path sweep = dir.resolve("sweep.yaml");
      Files.writeString(
          sweep,
          """
          name: tiny-sweep
          experiment: sweeps
          method: grid
          metric: {name: train/loss, goal: minimize}
          parameters:
            optimizer.lr: {values: [0.01, 0.03]}
          run_cap: 2
          spec:
            name: linear-regression
            experiment: course
            seed: 42
            device: cpu
            epochs: 1
            dataset: {plugin: synthetic-linear, batchSize: 10, w: [2.0, -3.4], b: 4.2, n: 200, noise: 0.01}
            model: {plugin: linear}
            optimizer: {plugin: sgd, lr: 0.03}
            loss: {plugin: l2}
          """);
      CairnProcess.Result swept = CairnProcess.run(data, 10, "sweep", sweep.toString(), "--json");
      assertThat(swept.exitCode()).as(swept.stderr()).isZero();
      assertThat(swept.stderr()).contains("submitted to the server at " + server.base());
      JsonObject result = new JsonObject(swept.stdout());
      assertThat(result.getString("status")).isEqualTo("FINISHED");
      assertThat(result.getJsonArray("trials").size()).isEqualTo(2);

      // resume asks the server, which refuses a finished run with the same line as the embedded
      // store
      CairnProcess.Result resume = CairnProcess.run(data, 2, "resume", id);
      assertThat(resume.exitCode()).isEqualTo(2);
      assertThat(resume.stderr())
          .contains("is FINISHED; only a FAILED or KILLED run can be resumed")
          .doesNotContain("in use")
          .doesNotContain("Exception");
    } finally {
      server.stop();
    }
  }

  /**
   * A run the server trained, stopped (KILLED) after a checkpoint: {@code cairn resume} has the
   * server continue it from there under its own id, follows it to the end and prints it.
   */
  @Test
  void resumeContinuesAStoppedRunInTheServer() throws Exception {
    Path data = dir.resolve("data");
    CairnProcess.Server server = CairnProcess.serve(data);
    try {
      String spec =
          """
          name: resumable
          epochs: 40
          logging: {everySteps: 10}
          dataset: {plugin: synthetic-linear, n: 2000, batchSize: 10}
          model: linear
          optimizer: {plugin: sgd, lr: 0.01}
          loss: l2
          training: {checkpointEvery: 1}
          """;
      String id =
          post(server.base(), "/api/runs", new JsonObject().put("spec", spec), 202).getString("id");
      Path checkpoint = data.resolve("runs").resolve(id).resolve("checkpoints/epoch-0002");
      long deadline = System.currentTimeMillis() + 180_000;
      while (!Files.isRegularFile(checkpoint.resolve("checkpoint.json"))
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertThat(checkpoint.resolve("checkpoint.json")).exists();
      post(server.base(), "/api/runs/" + id + "/stop", new JsonObject(), 202);
      String status = null;
      while (System.currentTimeMillis() < deadline) {
        status = get(server.base(), "/api/runs/" + id, null).getString("status");
        if (!status.equals("RUNNING") && !status.equals("QUEUED")) {
          break;
        }
        Thread.sleep(200);
      }
      assertThat(status).isEqualTo("KILLED");

      CairnProcess.Result resumed = CairnProcess.run(data, 10, "resume", id, "--json");
      assertThat(resumed.exitCode()).as(resumed.stderr()).isZero();
      assertThat(resumed.stderr())
          .contains("resuming run " + id + " after epoch")
          .contains("on the server at " + server.base())
          .doesNotContain("in use");
      JsonObject run = new JsonObject(resumed.stdout());
      assertThat(run.getString("id")).isEqualTo(id);
      assertThat(run.getString("status")).isEqualTo("FINISHED");
      assertThat(run.getJsonObject("metrics").getDouble("train/loss")).isLessThan(1e-3);
      JsonObject stored = get(server.base(), "/api/runs/" + id, null);
      assertThat(stored.getString("status")).isEqualTo("FINISHED");
      JsonArray epochs =
          get(server.base(), "/api/runs/" + id + "/series?tag=epoch/train_loss", null)
              .getJsonArray("steps");
      List<Long> steps = new ArrayList<>();
      epochs.forEach(v -> steps.add(((Number) v).longValue()));
      // every epoch once: those before the stop from the first training, the rest resumed
      assertThat(steps)
          .isSorted()
          .doesNotHaveDuplicates()
          .endsWith(40L)
          .containsAll(LongStream.rangeClosed(3, 40).boxed().toList());

      CairnProcess.Result again = CairnProcess.run(data, 2, "resume", id);
      assertThat(again.exitCode()).isEqualTo(2);
      assertThat(again.stderr())
          .contains("is FINISHED; only a FAILED or KILLED run can be resumed");
      CairnProcess.Result unknown = CairnProcess.run(data, 2, "resume", "nope");
      assertThat(unknown.exitCode()).isEqualTo(2);
      assertThat(unknown.stderr()).contains("no run with id 'nope'").doesNotContain("Exception");
    } finally {
      server.stop();
    }
  }

  /**
   * {@code evaluate MODEL-ID} has the server evaluate and gives the figures the embedded store gave
   * before it started; an .onnx file is evaluated without the database; {@code import-tb} has the
   * server import a log directory, again adding nothing.
   */
  @Test
  void evaluateAndImportTbWorkThroughTheServer() throws Exception {
    Path data = dir.resolve("data");
    CairnProcess.Result trained =
        CairnProcess.run(data, 10, "run", "experiments/linear-regression.yaml", "--json");
    assertThat(trained.exitCode()).as(trained.stderr()).isZero();
    String runId = new JsonObject(trained.stdout()).getString("id");
    Path onnx = dir.resolve("out/model.onnx");
    CairnProcess.Result exported =
        CairnProcess.run(data, 5, "export", runId, "--out", onnx.toString(), "--json");
    assertThat(exported.exitCode()).as(exported.stderr()).isZero();
    String modelId = new JsonObject(exported.stdout()).getString("modelId");
    Path tb = dir.resolve("tb");
    CairnProcess.Result events =
        CairnProcess.run(
            data, 5, "export", runId, "--format", "tensorboard", "--out", tb.toString(), "--json");
    assertThat(events.exitCode()).as(events.stderr()).isZero();
    long scalars = new JsonObject(events.stdout()).getLong("scalars");
    String[] evaluate = {
      "evaluate", modelId, "--dataset", "synthetic-linear", "-P", "n=200", "--json"
    };
    CairnProcess.Result embedded = CairnProcess.run(data, 5, evaluate);
    assertThat(embedded.exitCode()).as(embedded.stderr()).isZero();
    JsonObject reference = new JsonObject(embedded.stdout());

    CairnProcess.Server server = CairnProcess.serve(data);
    try {
      CairnProcess.Result viaServer = CairnProcess.run(data, 5, evaluate);
      assertThat(viaServer.exitCode()).as(viaServer.stderr()).isZero();
      assertThat(viaServer.stderr())
          .contains("evaluating through the server at " + server.base())
          .doesNotContain("in use");
      JsonObject e = new JsonObject(viaServer.stdout());
      assertThat(e.getString("model")).isEqualTo(modelId);
      assertThat(e.getString("runId")).isEqualTo(runId);
      assertThat(e.getLong("examples")).isEqualTo(reference.getLong("examples"));
      // the same model, data and ONNX Runtime; only the process differs
      assertThat(e.getDouble("loss")).isCloseTo(reference.getDouble("loss"), within(1e-9));
      assertThat(e.getJsonObject("runMetrics").getMap())
          .isEqualTo(reference.getJsonObject("runMetrics").getMap());

      CairnProcess.Result file =
          CairnProcess.run(
              data,
              5,
              "evaluate",
              onnx.toString(),
              "--dataset",
              "synthetic-linear",
              "-P",
              "n=200",
              "--json");
      assertThat(file.exitCode()).as(file.stderr()).isZero();
      assertThat(new JsonObject(file.stdout()).getDouble("loss"))
          .isCloseTo(reference.getDouble("loss"), within(1e-9));

      CairnProcess.Result imported =
          CairnProcess.run(data, 5, "import-tb", tb.toString(), "--experiment", "back", "--json");
      assertThat(imported.exitCode()).as(imported.stderr()).isZero();
      assertThat(imported.stderr())
          .contains("importing through the server at " + server.base())
          .doesNotContain("in use");
      JsonObject i = new JsonObject(imported.stdout());
      assertThat(i.getLong("scalars")).isEqualTo(scalars);
      assertThat(i.getInteger("newRuns")).isEqualTo(1);
      String importedId =
          i.getJsonObject("runIds").stream().findFirst().orElseThrow().getValue().toString();
      JsonObject back = get(server.base(), "/api/runs/" + importedId, null);
      assertThat(back.getString("experiment")).isEqualTo("back");
      // TensorBoard keeps scalars as 32-bit floats
      assertThat(back.getJsonObject("metrics").getDouble("train/loss"))
          .isCloseTo(
              get(server.base(), "/api/runs/" + runId, null)
                  .getJsonObject("metrics")
                  .getDouble("train/loss"),
              withinPercentage(0.001));

      CairnProcess.Result again =
          CairnProcess.run(data, 5, "import-tb", tb.toString(), "--experiment", "back");
      assertThat(again.exitCode()).as(again.stderr()).isZero();
      assertThat(again.stdout()).startsWith("imported 0 events from 1 files into 1 runs (0 new)");
      CairnProcess.Result missing =
          CairnProcess.run(data, 5, "import-tb", dir.resolve("nope").toString());
      assertThat(missing.exitCode()).isEqualTo(1);
      assertThat(missing.stderr()).contains("does not exist").doesNotContain("Exception");
    } finally {
      server.stop();
    }
  }

  @Test
  void staleDiscoveryFileIsIgnored() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    Files.writeString(
        data.resolve("server.json"),
        new JsonObject().put("url", "http://127.0.0.1:9").put("pid", dead.pid()).encode());
    CairnProcess.Result r = CairnProcess.run(data, 2, "runs");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("no runs yet");
  }

  @Test
  void withTokensRequiredTheLocalTokenFileLetsCommandsIn() throws Exception {
    Path data = dir.resolve("data");
    CairnProcess.Result created =
        CairnProcess.run(data, 2, "token", "create", "--name", "ana", "--scope", "read");
    assertThat(created.exitCode()).as(created.stderr()).isZero();
    String token = created.stdout().trim();
    CairnProcess.Server server = CairnProcess.serve(data);
    try {
      Path tokenFile = data.resolve("server.token");
      assertThat(tokenFile).exists();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
          .isEqualTo("rw-------");
      String local = Files.readString(tokenFile).trim();
      assertThat(String.join("\n", server.log())).doesNotContain(local);

      CairnProcess.Result run =
          CairnProcess.run(data, 10, "run", "experiments/linear-regression.yaml", "--json");
      assertThat(run.exitCode()).as(run.stderr()).isZero();
      String id = new JsonObject(run.stdout()).getString("id");
      assertThat(get(server.base(), "/api/runs/" + id, token).getString("status"))
          .isEqualTo("FINISHED");

      // a wrong token is refused with one line, not silently replaced by the local one
      CairnProcess.Result wrong =
          CairnProcess.run(Map.of("CAIRN_TOKEN", "cairn_wrong"), data, 2, "runs");
      assertThat(wrong.exitCode()).isEqualTo(1);
      assertThat(wrong.stderr()).contains("401").doesNotContain("Exception");
    } finally {
      server.stop();
    }
    assertThat(data.resolve("server.token")).doesNotExist();
  }

  /**
   * Wall-clock figures and the process's own use of the machine differ run to run; nothing else
   * may.
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

  private static JsonObject post(String base, String path, JsonObject body, int status)
      throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(status);
    return new JsonObject(r.body());
  }

  private static JsonObject get(String base, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }
}
