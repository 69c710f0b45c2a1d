package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The ONNX endpoints of {@code cairn serve}: export, artifacts, import, predict, evaluate. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnnxRestTest {
  static final String FASHION_SPEC =
      """
      name: softmax-fashion-1-epoch
      experiment: onnx-e2e
      seed: 42
      device: cpu
      epochs: 1
      dataset: {plugin: fashion-mnist, batchSize: 256}
      model: {plugin: softmax-regression}
      optimizer: {plugin: sgd, lr: 0.1}
      loss: softmax-cross-entropy
      """;

  @TempDir static Path data;
  @TempDir static Path work;
  private CairnProcess.Server server;
  private String base;
  private String xorRun;
  private String fashionRun;
  private List<String> serverLog = List.of();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void recordRunsAndServe() throws Exception {
    CairnProcess.Result xor =
        CairnProcess.run(data, 5, "run", "experiments/xor-mlp.yaml", "--json");
    assertThat(xor.exitCode()).as(xor.stderr()).isZero();
    xorRun = new JsonObject(xor.stdout()).getString("id");
    Path spec = work.resolve("fashion.yaml");
    Files.writeString(spec, FASHION_SPEC);
    CairnProcess.Result fashion = CairnProcess.run(data, 10, "run", spec.toString(), "--json");
    assertThat(fashion.exitCode()).as(fashion.stderr()).isZero();
    fashionRun = new JsonObject(fashion.stdout()).getString("id");

    server = CairnProcess.serve(data);
    base = server.base();
    serverLog = server.log();
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    // nothing may block the event loop: Vert.x logs a warning when a handler does
    assertThat(serverLog).noneMatch(l -> l.contains("has been blocked for"));
  }

  private HttpResponse<String> send(
      String method, String path, HttpRequest.BodyPublisher body, String type) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, body)
            .header("X-Cairn-Request", "1");
    if (type != null) {
      b.header("Content-Type", type);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String json) throws Exception {
    return send("POST", path, HttpRequest.BodyPublishers.ofString(json), "application/json");
  }

  private String exportModel(String runId) throws Exception {
    HttpResponse<String> r = post("/api/runs/" + runId + "/export", "");
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    return new JsonObject(r.body()).getString("modelId");
  }

  @Test
  void exportIsStoredAsARunArtifactAndRepeatsIdentically() throws Exception {
    HttpResponse<String> first = post("/api/runs/" + xorRun + "/export", "");
    assertThat(first.statusCode()).as(first.body()).isIn(200, 201);
    JsonObject export = new JsonObject(first.body());
    assertThat(export.getJsonObject("verification").getDouble("maxAbsDiff"))
        .isLessThanOrEqualTo(1e-4);
    HttpResponse<String> again = post("/api/runs/" + xorRun + "/export", "");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(again.body()).getString("modelId"))
        .isEqualTo(export.getString("modelId"));

    JsonArray artifacts =
        new JsonObject(
                send(
                        "GET",
                        "/api/runs/" + xorRun + "/artifacts",
                        HttpRequest.BodyPublishers.noBody(),
                        null)
                    .body())
            .getJsonArray("artifacts");
    assertThat(artifacts).hasSize(1);
    assertThat(artifacts.getJsonObject(0).getString("name")).isEqualTo("model.onnx");
    HttpResponse<byte[]> file =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(base + "/api/runs/" + xorRun + "/artifacts/model.onnx"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat((long) file.body().length)
        .isEqualTo(artifacts.getJsonObject(0).getLong("sizeBytes"));

    HttpResponse<String> missing = post("/api/runs/nosuchrun/export", "");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(missing.body()).getJsonObject("error").getString("message"))
        .isEqualTo("no run with id 'nosuchrun'");
  }

  @Test
  void predictTakesBatchesAndSingleExamplesAndNamesBadInput() throws Exception {
    String id = exportModel(xorRun);
    HttpResponse<String> r =
        post("/api/models/" + id + "/predict", "{\"inputs\": [[0,0],[0,1],[1,0],[1,1]]}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("provider")).isIn("cpu", "cuda");
    assertThat(body.getString("providerNote")).isNotBlank();
    assertThat(body.getJsonObject("outputs").getJsonObject("output").getJsonArray("shape"))
        .isEqualTo(new JsonArray().add(4).add(2));
    assertThat(
            body.getJsonArray("predictions").stream().map(p -> ((JsonObject) p).getString("label")))
        .containsExactly("0", "1", "1", "0");
    assertThat(
            new JsonObject(post("/api/models/" + id + "/predict", "[1, 0]").body())
                .getJsonArray("predictions"))
        .hasSize(1);

    assertError(
        post("/api/models/" + id + "/predict", "[[0, 1"),
        400,
        "bad_input",
        "the input is not valid JSON");
    assertError(
        post("/api/models/" + id + "/predict", "[[0, 1, 2]]"),
        400,
        "bad_input",
        "input 'input' takes shape [batch, 2] (float); got shape [1, 3]");
    assertError(
        post("/api/models/" + id + "/predict", "[[0, \"x\"]]"),
        400,
        "bad_input",
        "is the string \"x\", not a number");
    assertError(
        send(
            "POST",
            "/api/models/" + id + "/predict",
            HttpRequest.BodyPublishers.ofByteArray(png(28, 28)),
            "image/png"),
        400,
        "bad_input",
        "which is not an image input");
    assertError(
        post("/api/models/nosuch/predict", "[1, 0]"),
        404,
        "not_found",
        "no model with id 'nosuch'");
  }

  private static void assertError(HttpResponse<String> r, int status, String code, String message) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).contains(message);
  }

  @Test
  void imageModelsTakeImagesAndEvaluateLikeTheirRun() throws Exception {
    String id = exportModel(fashionRun);
    HttpResponse<String> r =
        send(
            "POST",
            "/api/models/" + id + "/predict",
            HttpRequest.BodyPublishers.ofByteArray(png(56, 40)),
            "image/png");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getJsonObject("outputs").getJsonObject("output").getJsonArray("shape"))
        .isEqualTo(new JsonArray().add(1).add(10));
    assertThat(body.getJsonArray("predictions").getJsonObject(0).getString("label")).isNotBlank();

    HttpResponse<String> e =
        post("/api/models/" + id + "/evaluate", "{\"dataset\": \"fashion-mnist\"}");
    assertThat(e.statusCode()).as(e.body()).isEqualTo(200);
    JsonObject eval = new JsonObject(e.body());
    assertThat(eval.getString("split")).isEqualTo("test");
    assertThat(eval.getLong("examples")).isEqualTo(10_000);
    JsonObject run =
        new JsonObject(
            send("GET", "/api/runs/" + fashionRun, HttpRequest.BodyPublishers.noBody(), null)
                .body());
    JsonObject metrics = run.getJsonObject("metrics");
    // the run's last test metrics come from the same final weights, through DJL
    assertThat(eval.getDouble("accuracy"))
        .isCloseTo(metrics.getDouble("epoch/test_accuracy"), Offset.offset(1e-4));
    assertThat(eval.getDouble("loss"))
        .isCloseTo(metrics.getDouble("epoch/test_loss"), Offset.offset(1e-3));
  }

  @Test
  void importRefusesNonModelsAndRegistersNothingThenDeletes() throws Exception {
    int before =
        new JsonObject(send("GET", "/api/models", HttpRequest.BodyPublishers.noBody(), null).body())
            .getJsonArray("models")
            .size();
    assertError(
        send(
            "POST",
            "/api/models?name=junk",
            HttpRequest.BodyPublishers.ofString("junk bytes"),
            "application/octet-stream"),
        400,
        "invalid_model",
        "'junk' is not an ONNX model");
    assertThat(
            new JsonObject(
                    send("GET", "/api/models", HttpRequest.BodyPublishers.noBody(), null).body())
                .getJsonArray("models"))
        .hasSize(before);

    String exported = exportModel(xorRun);
    HttpResponse<byte[]> file =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/models/" + exported + "/file")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(file.statusCode()).isEqualTo(200);
    HttpResponse<String> up =
        send(
            "POST",
            "/api/models?name=uploaded",
            HttpRequest.BodyPublishers.ofByteArray(file.body()),
            "application/octet-stream");
    assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
    String id = new JsonObject(up.body()).getString("id");
    assertThat(new JsonObject(up.body()).getString("source")).isEqualTo("import");
    assertThat(post("/api/models/" + id + "/predict", "[[1, 1]]").statusCode()).isEqualTo(200);
    assertThat(
            send("DELETE", "/api/models/" + id, HttpRequest.BodyPublishers.noBody(), null)
                .statusCode())
        .isEqualTo(200);
    assertError(
        post("/api/models/" + id + "/predict", "[[1, 1]]"), 404, "not_found", "no model with id");
  }

  @Test
  void concurrentPredictionsAllSucceed() throws Exception {
    String id = exportModel(xorRun);
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      calls.add(
          http.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "/api/models/" + id + "/predict"))
                  .header("X-Cairn-Request", "1")
                  .POST(HttpRequest.BodyPublishers.ofString("[[0, 1], [1, 1]]"))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> c : calls) {
      assertThat(c.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  static byte[] png(int width, int height) throws Exception {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, (x > width / 4 && x < 3 * width / 4) ? 0xFFFFFF : 0);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }
}
