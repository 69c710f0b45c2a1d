package dev.cairn.server.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiVerticle;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep REST endpoints on an in-process server with its own training node: a sweep submitted as
 * YAML runs, is listed, reads back with its trials, best-so-far curve and importance; a stopped
 * sweep ends STOPPED with its trials KILLED; bad input gets 400 / 404 naming the problem.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SweepRoutesTest {
  @TempDir static Path data;
  Platform platform;
  String base;
  final HttpClient http = HttpClient.newHttpClient();

  static String sweep(String name, int epochs, String extra) {
    return """
        name: %s
        spec:
          epochs: %d
          logging: {everySteps: 8}
          dataset: {plugin: xor, repeat: 16, batchSize: 16}
          model: {plugin: mlp, hidden: [8], activation: tanh}
          optimizer: {plugin: adam, lr: 0.01}
          loss: softmax-cross-entropy
        method: random
        metric: {name: epoch/train_loss, goal: minimize}
        parameters:
          optimizer.lr: {distribution: log_uniform, min: 0.001, max: 0.1}
          model.hidden: {values: [[4], [8]]}
        %s
        """
        .formatted(name, epochs, extra);
  }

  @BeforeAll
  void start() throws Exception {
    platform = Platform.start(new CairnOptions(data, null, null, true));
    SweepHead.deploy(platform, new SweepControllerVerticle.Settings(10_000, true), 1);
    ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0);
    platform
        .vertx()
        .deployVerticle(api)
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + api.actualPort();
  }

  @AfterAll
  void stop() {
    platform.close();
  }

  HttpResponse<String> send(String method, String path, String body, String type) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).header("X-Cairn-Request", "1");
    b =
        body == null
            ? b.method(method, HttpRequest.BodyPublishers.noBody())
            : b.header("Content-Type", type)
                .method(method, HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonObject get(String path) throws Exception {
    HttpResponse<String> r = send("GET", path, null, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  JsonObject awaitStatus(String id, String status) throws Exception {
    long end = System.currentTimeMillis() + 180_000;
    while (System.currentTimeMillis() < end) {
      JsonObject s = get("/api/sweeps/" + id);
      if (s.getString("status").equals(status)) {
        return s;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "sweep " + id + " not " + status + ": " + get("/api/sweeps/" + id).encodePrettily());
  }

  @Test
  void aSubmittedSweepRunsAndReadsBack() throws Exception {
    HttpResponse<String> r =
        send("POST", "/api/sweeps", sweep("api", 3, "run_cap: 4\nseed: 5"), "text/yaml");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonObject started = new JsonObject(r.body());
    assertThat(started.getBoolean("resumed")).isFalse();
    String id = started.getString("id");
    // the same text while it runs is the same sweep
    JsonObject again =
        new JsonObject(
            send("POST", "/api/sweeps", sweep("api", 3, "run_cap: 4\nseed: 5"), "text/yaml")
                .body());
    assertThat(again.getString("id")).isEqualTo(id);
    assertThat(again.getBoolean("resumed")).isTrue();

    JsonObject done = awaitStatus(id, "FINISHED");
    assertThat(done.getInteger("trials")).isEqualTo(4);
    assertThat(done.getJsonObject("counts").getInteger("finished")).isEqualTo(4);
    assertThat(done.getJsonArray("bestSoFar")).hasSize(4);
    JsonArray curve = done.getJsonArray("bestSoFar");
    for (int i = 1; i < curve.size(); i++) {
      assertThat(curve.getJsonObject(i).getDouble("best"))
          .isLessThanOrEqualTo(curve.getJsonObject(i - 1).getDouble("best"));
    }
    assertThat(done.getJsonObject("best").getDouble("value"))
        .isEqualTo(curve.getJsonObject(3).getDouble("best"));
    assertThat(done.getJsonArray("parameters").getJsonObject(0))
        .isEqualTo(
            new JsonObject()
                .put("path", "optimizer.lr")
                .put("distribution", "log_uniform")
                .put("min", 0.001)
                .put("max", 0.1)
                .put("log", true));

    JsonArray trials = get("/api/sweeps/" + id + "/trials").getJsonArray("trials");
    assertThat(trials).hasSize(4);
    JsonObject t = trials.getJsonObject(0);
    assertThat(t.getString("status")).isEqualTo("FINISHED");
    assertThat(t.getLong("step")).isEqualTo(3L);
    assertThat(t.getString("worker")).startsWith("local-");
    // firstStoredAt is timing instrumentation: a trial that ends before the writer's periodic flush
    // has none (its points are flushed by markEnded), so only its order is checked when present
    if (t.getString("firstStoredAt") != null) {
      assertThat(Instant.parse(t.getString("firstStoredAt")))
          .isAfterOrEqualTo(Instant.parse(t.getString("firstMetricAt")));
    }
    JsonObject run = get("/api/runs/" + t.getString("runId"));
    assertThat(run.getString("name")).isEqualTo("api-1");
    assertThat(run.getJsonObject("params").getString("sweep.id")).isEqualTo(id);
    assertThat(run.getJsonObject("metrics").getDouble("epoch/train_loss"))
        .isEqualTo(t.getDouble("value"));

    JsonObject importance = get("/api/sweeps/" + id + "/importance");
    assertThat(importance.getInteger("trials")).isEqualTo(4);
    assertThat(importance.getJsonArray("importances")).hasSize(2);
    JsonArray list = get("/api/sweeps?status=FINISHED").getJsonArray("sweeps");
    assertThat(list).extracting(s -> ((JsonObject) s).getString("id")).contains(id);
    assertThat(
            get("/api/cluster/workers")
                .getJsonArray("workers")
                .getJsonObject(0)
                .getInteger("slots"))
        .isEqualTo(1);
  }

  @Test
  void aStoppedSweepEndsStoppedWithItsTrialKilled() throws Exception {
    HttpResponse<String> r =
        send(
            "POST",
            "/api/sweeps",
            new JsonObject().put("sweep", sweep("stop", 400, "run_cap: 3")).encode(),
            "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String id = new JsonObject(r.body()).getString("id");
    long end = System.currentTimeMillis() + 120_000;
    while (get("/api/sweeps/" + id).getJsonObject("counts").getInteger("running") == 0) {
      assertThat(System.currentTimeMillis()).as("a trial started").isLessThan(end);
      Thread.sleep(100);
    }
    assertThat(send("POST", "/api/sweeps/" + id + "/stop", null, null).statusCode()).isEqualTo(202);
    JsonObject stopped = awaitStatus(id, "STOPPED");
    assertThat(stopped.getInteger("trials")).isEqualTo(1);
    JsonObject trial = get("/api/sweeps/" + id + "/trials").getJsonArray("trials").getJsonObject(0);
    assertThat(trial.getString("status")).isEqualTo("KILLED");
    assertThat(get("/api/runs/" + trial.getString("runId")).getString("status"))
        .isEqualTo("KILLED");
    assertThat(send("POST", "/api/sweeps/" + id + "/stop", null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void badRequestsNameTheProblem() throws Exception {
    HttpResponse<String> bad =
        send(
            "POST",
            "/api/sweeps",
            sweep("bad", 2, "").replace("model.hidden", "model.hiden"),
            "text/yaml");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(bad.body()).getJsonObject("error").getString("message"))
        .startsWith("parameters.model.hiden: unknown parameter; did you mean 'hidden'?");
    assertThat(new JsonObject(bad.body()).getJsonObject("error").getString("code"))
        .isEqualTo("invalid_sweep");
    assertThat(send("GET", "/api/sweeps/nope", null, null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/api/sweeps/nope/importance", null, null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/api/sweeps?status=DONE", null, null).statusCode()).isEqualTo(400);
    assertThat(send("POST", "/api/sweeps", "{}", "application/json").statusCode()).isEqualTo(400);
  }
}
