package dev.cairn.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.client.CairnClient;
import dev.cairn.client.EndStatus;
import dev.cairn.client.Run;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.sweep.SweepControllerVerticle;
import dev.cairn.server.sweep.SweepHead;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's TypeScript types against the server's real answers: a real server with a run
 * logged through the Java client (params, scalars with a NaN, an image, a histogram, a text, an
 * artifact) and a small sweep of two trained trials answers every route tracker-ui reads; each body
 * goes to {@code target/contract/NAME.json}, and {@code tracker-ui/contract/check.mjs} type -checks
 * each against its type (an extra field, a missing one or a value of the wrong kind fails).
 */
class UiContractTest {
  @TempDir Path data;
  @TempDir Path files;
  final HttpClient http = HttpClient.newHttpClient();
  String base;
  final Path out = Path.of("target", "contract").toAbsolutePath();

  @Test
  void everyAnswerTheDashboardReadsFitsItsTypeScriptType() throws Exception {
    Path ui = Path.of("..", "..", "tracker-ui").toAbsolutePath().normalize();
    assertThat(ui.resolve("node_modules/typescript"))
        .as("tracker-ui's node_modules (run `npm ci` in tracker-ui; `mvn verify` does it first)")
        .isDirectory();
    Files.createDirectories(out);
    try (var stale = Files.list(out)) {
      for (Path p : stale.filter(p -> p.toString().endsWith(".json")).toList()) {
        Files.delete(p);
      }
    }
    Platform platform = Platform.start(new CairnOptions(data, null, null, true));
    try {
      SweepHead.deploy(platform, new SweepControllerVerticle.Settings(10_000, true), 1);
      ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0);
      platform
          .vertx()
          .deployVerticle(api)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      base = "http://127.0.0.1:" + api.actualPort();

      String logged = clientRun();
      JsonObject sweep = new JsonObject(sweep());
      String sweepId = sweep.getString("id");
      JsonObject trials =
          new JsonObject(save("sweep-trials", "/api/sweeps/" + sweepId + "/trials"));
      String trained = trials.getJsonArray("trials").getJsonObject(0).getString("runId");
      String other = trials.getJsonArray("trials").getJsonObject(1).getString("runId");

      save("auth-me", "/api/auth/me");
      save("dashboard-runs-page", "/api/dashboard/runs?limit=100&offset=0");
      save("dashboard-runs-by-ids", "/api/dashboard/runs?ids=" + logged + "," + trained);
      save("dashboard-tags", "/api/dashboard/tags?runs=" + logged + "," + trained + ",nosuchrun");
      save(
          "dashboard-scalars",
          "/api/dashboard/scalars?tag=epoch/train_loss&runs="
              + trained
              + ","
              + other
              + ",nosuchrun&maxPoints=100&smoothing=0.6");
      save("dashboard-scalars-nan", "/api/dashboard/scalars?tag=loss&runs=" + logged);
      save("run-images", "/api/runs/" + logged + "/images?tag=samples");
      save("run-histograms", "/api/runs/" + logged + "/histograms?tag=weights");
      save("run-texts", "/api/runs/" + logged + "/texts?tag=notes");
      save("run-graph-trained", "/api/runs/" + trained + "/graph");
      save("run-detail", "/api/runs/" + logged);
      save("run-artifacts", "/api/runs/" + logged + "/artifacts");
      save("sweeps", "/api/sweeps?limit=200");
      save("sweep-detail", "/api/sweeps/" + sweepId);
      save("sweep-importance", "/api/sweeps/" + sweepId + "/importance");

      // the downloads (files for the user, no TypeScript type): streamed by the same JsonWriter
      JsonObject points =
          new JsonObject(get("/api/dashboard/scalars/export?format=json&tag=loss&runs=" + logged))
              .getJsonArray("series")
              .getJsonObject(0);
      assertThat(points.getString("runName")).isEqualTo("all-kinds");
      assertThat(points.getJsonArray("values").getList()).containsExactly(1, 0.5, null, 0.25, 0.2);
      JsonObject full =
          new JsonObject(get("/api/dashboard/export?format=json&runs=" + logged))
              .getJsonArray("runs")
              .getJsonObject(0);
      assertThat(full.getString("id")).isEqualTo(logged);
      assertThat(full.getJsonObject("params").getString("batch")).isEqualTo("32");
      JsonObject loss = full.getJsonObject("series").getJsonObject("loss");
      assertThat(loss.getJsonArray("steps").getList()).containsExactly(0, 1, 2, 3, 4);
      assertThat(loss.getJsonArray("values").getList()).containsExactly(1, 0.5, null, 0.25, 0.2);
    } finally {
      platform.close();
    }

    Process node =
        new ProcessBuilder("node", "contract/check.mjs", out.toString())
            .directory(ui.toFile())
            .redirectErrorStream(true)
            .start();
    String report = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(120, TimeUnit.SECONDS)).as("node finished").isTrue();
    assertThat(node.exitValue()).as(report).isZero();
    assertThat(report).contains("answers fit tracker-ui's types");
  }

  /** A run logged through the Java client, with one of each kind of record; its id. */
  private String clientRun() throws Exception {
    Path artifact = files.resolve("notes.txt");
    Files.writeString(artifact, "an artifact");
    try (CairnClient client =
        CairnClient.builder()
            .setServer(URI.create(base))
            .optCloseTimeout(Duration.ofSeconds(30))
            .build()) {
      Run run = client.startRun("contract", "all-kinds", Map.of("lr", 0.1), Map.of("team", "ui"));
      run.setParam("batch", 32);
      for (int step = 0; step < 5; step++) {
        run.log("loss", step, step == 2 ? Double.NaN : 1.0 / (step + 1));
      }
      run.logImage("samples", 0, png());
      run.logHistogram("weights", 0, new double[] {-1, 0, 0.5, 2});
      run.logText("notes", 0, "first \"quoted\" note");
      run.logArtifact(artifact);
      run.end(EndStatus.FINISHED);
      return run.id();
    }
  }

  private static byte[] png() throws Exception {
    BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
    img.setRGB(1, 1, 0xff8800);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(img, "png", bytes);
    return bytes.toByteArray();
  }

  /** A two-trial sweep of a tiny model, run to the end; its detail. */
  private String sweep() throws Exception {
    String yaml =
        """
        name: contract
        spec:
          epochs: 2
          logging: {everySteps: 4}
          dataset: {plugin: xor, repeat: 8, batchSize: 16}
          model: {plugin: mlp, hidden: [4], activation: tanh}
          optimizer: {plugin: adam, lr: 0.01}
          loss: softmax-cross-entropy
        method: random
        metric: {name: epoch/train_loss, goal: minimize}
        parameters:
          optimizer.lr: {distribution: log_uniform, min: 0.001, max: 0.1}
          model.hidden: {values: [[4], [8]]}
        run_cap: 2
        seed: 3
        """;
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/sweeps"))
                .header("Content-Type", "text/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String id = new JsonObject(r.body()).getString("id");
    long end = System.currentTimeMillis() + 180_000;
    while (System.currentTimeMillis() < end) {
      String detail = get("/api/sweeps/" + id);
      if (new JsonObject(detail).getString("status").equals("FINISHED")) {
        return detail;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("sweep " + id + " did not finish: " + get("/api/sweeps/" + id));
  }

  private String get(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    return r.body();
  }

  /** Fetches a route and writes its body, as the server sent it, to target/contract/NAME.json. */
  private String save(String name, String path) throws Exception {
    String body = get(path);
    Files.writeString(out.resolve(name + ".json"), body);
    return body;
  }
}
