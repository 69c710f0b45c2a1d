package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The REST API of {@code cairn serve} over runs recorded by {@code cairn run}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestApiTest {
  // static: JUnit fills an instance @TempDir field only before each test, after @BeforeAll, where
  // a null data dir sent the runs into the repository's ./cairn-data
  @TempDir static Path data;
  private CairnProcess.Server server;
  private String base;
  private String runId;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void recordARunAndServe() throws Exception {
    CairnProcess.Result r =
        CairnProcess.run(data, 5, "run", "experiments/linear-regression.yaml", "--json");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    runId = new JsonObject(r.stdout()).getString("id");
    server = CairnProcess.serve(data);
    base = server.base();
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void listsRunsWithFinalMetrics() throws Exception {
    HttpResponse<String> r = get("/api/runs?experiment=course");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonArray runs = new JsonObject(r.body()).getJsonArray("runs");
    assertThat(runs).hasSize(1);
    JsonObject run = runs.getJsonObject(0);
    assertThat(run.getString("id")).isEqualTo(runId);
    assertThat(run.getString("status")).isEqualTo("FINISHED");
    assertThat(run.getString("device")).isEqualTo("cpu");
    assertThat(run.getJsonObject("provenance").getString("djl.version")).isEqualTo("0.35.1");
    assertThat(run.getJsonObject("metrics").getDouble("epoch/train_loss")).isLessThan(1e-3);
  }

  @Test
  void runDetailParamsAndSeries() throws Exception {
    JsonObject run = new JsonObject(get("/api/runs/" + runId).body());
    assertThat(run.getString("specText")).contains("synthetic-linear");
    assertThat(run.getJsonObject("params").getString("dataset.batchSize")).isEqualTo("10");
    assertThat(
            new JsonObject(get("/api/runs/" + runId + "/params").body()).getString("optimizer.lr"))
        .isEqualTo("0.03");

    JsonArray series =
        new JsonObject(get("/api/runs/" + runId + "/metrics").body()).getJsonArray("series");
    assertThat(series.stream().map(o -> ((JsonObject) o).getString("tag")))
        .contains(
            "train/loss", "train/lr", "epoch/train_loss", "epoch/samples_per_sec", "epoch/time_s");

    JsonObject full =
        new JsonObject(get("/api/runs/" + runId + "/series?tag=train/loss&maxPoints=0").body());
    // 300 steps, logged at step 1 and every 10th
    assertThat(full.getLong("totalPoints")).isEqualTo(31);
    assertThat(full.getJsonArray("steps").getLong(0)).isEqualTo(1);
    assertThat(full.getJsonArray("steps").getLong(30)).isEqualTo(300);
    JsonObject small =
        new JsonObject(get("/api/runs/" + runId + "/series?tag=train/loss&maxPoints=10").body());
    assertThat(small.getBoolean("downsampled")).isTrue();
    assertThat(small.getJsonArray("steps").size()).isLessThanOrEqualTo(11);
    assertThat(small.getJsonArray("steps").getLong(small.getJsonArray("steps").size() - 1))
        .isEqualTo(300);
  }

  @Test
  void errorsAreJsonWithoutStackTraces() throws Exception {
    HttpResponse<String> missing = get("/api/runs/nosuchrun");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(missing.body()).getJsonObject("error").getString("code"))
        .isEqualTo("not_found");

    HttpResponse<String> badLimit = get("/api/runs?limit=abc");
    assertThat(badLimit.statusCode()).isEqualTo(400);
    assertThat(badLimit.body())
        .contains("'limit'")
        .doesNotContain("Exception")
        .doesNotContain("at dev.");

    HttpResponse<String> noTag = get("/api/runs/" + runId + "/series");
    assertThat(noTag.statusCode()).isEqualTo(400);
    HttpResponse<String> unknownTag = get("/api/runs/" + runId + "/series?tag=nope");
    assertThat(unknownTag.statusCode()).isEqualTo(404);
    HttpResponse<String> badStatus = get("/api/runs?status=DONE");
    assertThat(badStatus.statusCode()).isEqualTo(400);
    assertThat(get("/api/nothing").statusCode()).isEqualTo(404);

    HttpResponse<String> badSpec =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/runs"))
                .header("Content-Type", "text/yaml")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "epochs: 1\ndataset: xor\nmodel: mlpp\noptimizer: sgd\nloss: l2\n"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(badSpec.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(badSpec.body()).getJsonObject("error").getString("message"))
        .contains("model.plugin: 'mlpp' is not installed");
  }

  @Test
  void pluginsAreListedWithParams() throws Exception {
    JsonObject plugins = new JsonObject(get("/api/plugins").body());
    assertThat(
            plugins.getJsonArray("extensions").stream().map(o -> ((JsonObject) o).getString("id")))
        .contains(
            "fashion-mnist",
            "synthetic-linear",
            "xor",
            "linear",
            "softmax-regression",
            "mlp",
            "sgd",
            "adam",
            "softmax-cross-entropy",
            "l2",
            "l1");
    assertThat(plugins.getJsonArray("problems")).isEmpty();
  }

  @Test
  void runsSubmittedTogetherQueueAndBothFinish() throws Exception {
    String spec =
        "experiment: rest\nepochs: 3\ndataset: {plugin: xor, repeat: 16, batchSize: 16}\n"
            + "model: {plugin: mlp, hidden: [4]}\noptimizer: {plugin: adam, lr: 0.01}\nloss: softmax-cross-entropy\n";
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/runs"))
                  .header("Content-Type", "text/yaml")
                  .POST(HttpRequest.BodyPublishers.ofString(spec))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      ids.add(new JsonObject(r.body()).getString("id"));
    }
    for (String id : ids) {
      String status = "";
      for (int attempt = 0;
          attempt < 600 && !status.equals("FINISHED") && !status.equals("FAILED");
          attempt++) {
        status = new JsonObject(get("/api/runs/" + id).body()).getString("status");
        if (!status.equals("FINISHED") && !status.equals("FAILED")) {
          Thread.sleep(200);
        }
      }
      assertThat(status).as("run %s: %s", id, get("/api/runs/" + id).body()).isEqualTo("FINISHED");
    }
  }
}
