package dev.cairn.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.security.Scope;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artifacts on an in-process server with a real H2 store, a 256 KiB upload limit and tokens:
 * uploads through the native tracking API and MLflow's artifact proxy, listings with size and
 * SHA-256, downloads, overwrite, the size limit (declared and streamed), bad paths, a body cut off
 * midway, the access rules, and a deleted run's files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArtifactRoutesTest {
  static final long LIMIT = 256 * 1024;
  @TempDir static Path data;
  Platform platform;
  String base;
  String writeToken;
  String readToken;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  void start() throws Exception {
    platform = Platform.start(new CairnOptions(data, null, null, true));
    writeToken =
        platform
            .security()
            .createToken("writer", Scope.WRITE, Instant.now().plusSeconds(3600))
            .token();
    readToken =
        platform
            .security()
            .createToken("reader", Scope.READ, Instant.now().plusSeconds(3600))
            .token();
    AuthSettings auth = new AuthSettings(true, false, List.of(), 100_000);
    ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0, auth).maxArtifactBytes(LIMIT);
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

  HttpResponse<byte[]> send(String method, String path, byte[] body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.header("Content-Type", "application/octet-stream");
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  JsonObject json(HttpResponse<byte[]> r, int status) {
    String text = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(r.statusCode()).as(text).isEqualTo(status);
    return new JsonObject(text);
  }

  String createRun(String name) throws Exception {
    byte[] body =
        ("{\"experiment\": \"artifacts\", \"name\": \"" + name + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(base + "/api/tracking/runs"))
            .header("Authorization", "Bearer " + writeToken)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<byte[]> answer = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
    return json(answer, 201).getString("id");
  }

  static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  JsonArray list(String runId) throws Exception {
    return json(send("GET", "/api/runs/" + runId + "/artifacts", null, readToken), 200)
        .getJsonArray("artifacts");
  }

  List<Path> uploadsInProgress() throws Exception {
    Path dir = data.resolve("tmp/uploads");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  @Test
  void uploadListDownloadAndOverwrite() throws Exception {
    String run = createRun("basic");
    byte[] first = randomBytes(200_000, 1);
    JsonObject stored =
        json(
            send(
                "PUT",
                "/api/tracking/runs/" + run + "/artifacts/plots/loss%20curve.bin",
                first,
                writeToken),
            201);
    assertThat(stored.getString("path")).isEqualTo("plots/loss curve.bin");
    assertThat(stored.getLong("sizeBytes")).isEqualTo(first.length);
    assertThat(stored.getString("sha256")).isEqualTo(sha256(first));
    assertThat(stored.getString("source")).isEqualTo("rest");

    JsonArray listed = list(run);
    assertThat(listed).hasSize(1);
    assertThat(listed.getJsonObject(0).getString("sha256")).isEqualTo(sha256(first));
    HttpResponse<byte[]> file =
        send("GET", "/api/runs/" + run + "/artifacts/plots/loss%20curve.bin", null, readToken);
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.body()).isEqualTo(first);
    assertThat(file.headers().firstValue("Content-Disposition").orElse(""))
        .contains("attachment")
        .contains("filename=\"loss curve.bin\"");

    // the same path again replaces the file and its row
    byte[] second = randomBytes(1000, 2);
    json(
        send(
            "PUT",
            "/api/tracking/runs/" + run + "/artifacts/plots/loss%20curve.bin?source=java-client",
            second,
            writeToken),
        201);
    listed = list(run);
    assertThat(listed).hasSize(1);
    assertThat(listed.getJsonObject(0).getString("sha256")).isEqualTo(sha256(second));
    assertThat(listed.getJsonObject(0).getString("source")).isEqualTo("java-client");
    assertThat(
            send("GET", "/api/runs/" + run + "/artifacts/plots/loss%20curve.bin", null, readToken)
                .body())
        .isEqualTo(second);
    // an empty file is a file
    json(
        send("PUT", "/api/tracking/runs/" + run + "/artifacts/empty.txt", new byte[0], writeToken),
        201);
    assertThat(
            json(send("GET", "/api/runs/" + run + "/artifacts?path=plots", null, readToken), 200)
                .getJsonArray("artifacts"))
        .hasSize(1);
    // a path cannot be a file and a folder at once
    JsonObject clash =
        json(
            send(
                "PUT",
                "/api/tracking/runs/" + run + "/artifacts/empty.txt/inner",
                new byte[] {1},
                writeToken),
            409);
    assertThat(clash.getJsonObject("error").getString("message"))
        .contains("both a file and a folder");
    assertThat(list(run)).hasSize(2);
    // listed a page at a time, by path
    JsonArray page =
        json(send("GET", "/api/runs/" + run + "/artifacts?limit=1&offset=1", null, readToken), 200)
            .getJsonArray("artifacts");
    assertThat(page).hasSize(1);
    assertThat(page.getJsonObject(0).getString("path")).isEqualTo("plots/loss curve.bin");
    assertThat(
            json(send("GET", "/api/runs/" + run + "/artifacts?limit=0", null, readToken), 400)
                .getJsonObject("error")
                .getString("message"))
        .contains("'limit'");
    assertThat(uploadsInProgress()).isEmpty();
  }

  @Test
  void sizeLimitDeclaredOrStreamedGets413AndStoresNothing() throws Exception {
    String run = createRun("limits");
    JsonObject declared =
        json(
            send(
                "PUT",
                "/api/tracking/runs/" + run + "/artifacts/big.bin",
                randomBytes((int) LIMIT + 1, 3),
                writeToken),
            413);
    assertThat(declared.getJsonObject("error").getString("message"))
        .contains(Long.toString(LIMIT))
        .contains("--max-artifact-bytes");
    // no Content-Length (chunked): the limit is checked while the body streams in
    byte[] big = randomBytes((int) LIMIT * 3, 4);
    HttpRequest chunked =
        HttpRequest.newBuilder(
                URI.create(base + "/api/tracking/runs/" + run + "/artifacts/streamed.bin"))
            .header("Authorization", "Bearer " + writeToken)
            .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
            .build();
    HttpResponse<String> r = http.send(chunked, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
    assertThat(r.body()).contains(Long.toString(LIMIT));
    assertThat(list(run)).isEmpty();
    awaitNoUploads();
    // exactly the limit is fine
    json(
        send(
            "PUT",
            "/api/tracking/runs/" + run + "/artifacts/exact.bin",
            randomBytes((int) LIMIT, 5),
            writeToken),
        201);
  }

  @Test
  void badPathsGet400NamingTheRule() throws Exception {
    String run = createRun("paths");
    String upload = "/api/tracking/runs/" + run + "/artifacts/";
    assertBad(upload + "a/%2E%2E%2F%2E%2E%2Fescape", "'..'");
    assertBad(upload + "a/..%2Fescape", "'..'");
    assertBad(upload + "%2Fetc%2Fpasswd", "absolute");
    assertBad(upload + "nul%00byte", "control character");
    assertBad(upload + "line%0D%0Abreak", "control character");
    assertBad(upload + "a%5Cb", "backslash");
    assertBad(upload + "x".repeat(300), "at most 255");
    assertBad(upload + "dir//file", "empty segment");
    assertBad(upload + ("abcdefghi/".repeat(103)) + "x", "at most 1024");
    assertBad(upload + "ok.txt?source=cairn-trainer", "rest, java-client");
    assertThat(list(run)).isEmpty();
    JsonObject missing =
        json(
            send("PUT", "/api/tracking/runs/nosuchrun/artifacts/a.txt", new byte[] {1}, writeToken),
            404);
    assertThat(missing.getJsonObject("error").getString("message")).contains("nosuchrun");
    json(send("GET", "/api/runs/" + run + "/artifacts/nothing.txt", null, readToken), 404);
    assertThat(Files.exists(data.resolve("escape"))).isFalse();
  }

  private void assertBad(String path, String rule) throws Exception {
    JsonObject answer =
        json(send("PUT", path, "x".getBytes(StandardCharsets.UTF_8), writeToken), 400);
    assertThat(answer.getJsonObject("error").getString("message")).as(path).contains(rule);
  }

  @Test
  void aBodyCutOffMidwayLeavesNothing() throws Exception {
    String run = createRun("cut");
    int port = URI.create(base).getPort();
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("PUT /api/tracking/runs/"
                  + run
                  + "/artifacts/cut.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Authorization: Bearer "
                  + writeToken
                  + "\r\nContent-Type: application/octet-stream\r\n"
                  + "Content-Length: 100000\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(randomBytes(40_000, 6));
      out.flush();
      // wait until the server has started writing the temporary file, then hang up
      long until = System.currentTimeMillis() + 30_000;
      while (uploadsInProgress().isEmpty() && System.currentTimeMillis() < until) {
        Thread.sleep(20);
      }
      assertThat(uploadsInProgress()).as("the upload's temporary file").isNotEmpty();
    }
    awaitNoUploads();
    assertThat(list(run)).isEmpty();
    assertThat(Files.exists(data.resolve("runs").resolve(run).resolve("artifacts/cut.bin")))
        .isFalse();
  }

  private void awaitNoUploads() throws Exception {
    long until = System.currentTimeMillis() + 30_000;
    while (!uploadsInProgress().isEmpty() && System.currentTimeMillis() < until) {
      Thread.sleep(20);
    }
    assertThat(uploadsInProgress()).as("temporary upload files left").isEmpty();
  }

  @Test
  void accessRules() throws Exception {
    String run = createRun("auth");
    String path = "/api/tracking/runs/" + run + "/artifacts/a.txt";
    byte[] body = {1, 2, 3};
    assertThat(send("PUT", path, body, null).statusCode()).isEqualTo(401);
    assertThat(send("PUT", path, body, readToken).statusCode()).isEqualTo(403);
    assertThat(
            send(
                    "PUT",
                    "/api/2.0/mlflow-artifacts/artifacts/0/" + run + "/artifacts/a.txt",
                    body,
                    readToken)
                .statusCode())
        .isEqualTo(403);
    json(send("PUT", path, body, writeToken), 201);
    assertThat(send("GET", "/api/runs/" + run + "/artifacts/a.txt", null, null).statusCode())
        .isEqualTo(401);
    assertThat(send("GET", "/api/runs/" + run + "/artifacts/a.txt", null, readToken).body())
        .isEqualTo(body);
    // without a token, a CSRF-safe header is needed as well: a plain browser form cannot upload
    HttpRequest form =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "text/plain")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    assertThat(http.send(form, HttpResponse.BodyHandlers.ofString()).statusCode()).isIn(401, 403);
  }

  @Test
  void mlflowArtifactProxyAndList() throws Exception {
    String run = createRun("mlflow");
    String proxy = "/api/2.0/mlflow-artifacts/artifacts/7/" + run + "/artifacts/";
    byte[] model = randomBytes(5000, 7);
    assertThat(json(send("PUT", proxy + "model/weights.bin", model, writeToken), 200).isEmpty())
        .isTrue();
    json(
        send(
            "PUT",
            proxy + "model/conf/MLmodel",
            "flavors: {}".getBytes(StandardCharsets.UTF_8),
            writeToken),
        200);
    json(send("PUT", proxy + "notes.txt", "hi".getBytes(StandardCharsets.UTF_8), writeToken), 200);

    assertThat(send("GET", proxy + "model/weights.bin", null, readToken).body()).isEqualTo(model);
    JsonArray root =
        json(
                send(
                    "GET",
                    "/api/2.0/mlflow-artifacts/artifacts?path=7/" + run + "/artifacts",
                    null,
                    readToken),
                200)
            .getJsonArray("files");
    assertThat(root.encode())
        .isEqualTo(
            new JsonArray()
                .add(new JsonObject().put("path", "model").put("is_dir", true))
                .add(
                    new JsonObject()
                        .put("path", "notes.txt")
                        .put("is_dir", false)
                        .put("file_size", 2))
                .encode());
    JsonArray sub =
        json(
                send(
                    "GET",
                    "/api/2.0/mlflow-artifacts/artifacts?path=7/" + run + "/artifacts/model",
                    null,
                    readToken),
                200)
            .getJsonArray("files");
    assertThat(sub.encode())
        .isEqualTo(
            new JsonArray()
                .add(new JsonObject().put("path", "conf").put("is_dir", true))
                .add(
                    new JsonObject()
                        .put("path", "weights.bin")
                        .put("is_dir", false)
                        .put("file_size", 5000))
                .encode());
    JsonObject listed =
        json(
            send(
                "GET",
                "/api/2.0/mlflow/artifacts/list?run_id=" + run + "&path=model",
                null,
                readToken),
            200);
    assertThat(listed.getString("root_uri"))
        .startsWith("mlflow-artifacts:/")
        .endsWith("/" + run + "/artifacts");
    assertThat(listed.getJsonArray("files").encode())
        .isEqualTo(
            new JsonArray()
                .add(new JsonObject().put("path", "model/conf").put("is_dir", true))
                .add(
                    new JsonObject()
                        .put("path", "model/weights.bin")
                        .put("is_dir", false)
                        .put("file_size", 5000))
                .encode());
    // the same files through the native API, with their source
    JsonArray nativeList = list(run);
    assertThat(nativeList).hasSize(3);
    JsonObject weights = nativeList.getJsonObject(1); // ordered by path
    assertThat(weights.getString("path")).isEqualTo("model/weights.bin");
    assertThat(weights.getString("sha256")).isEqualTo(sha256(model));
    assertThat(weights.getString("source")).isEqualTo("mlflow");

    JsonObject unknown =
        json(send("GET", "/api/2.0/mlflow/artifacts/list?run_id=nosuchrun", null, readToken), 404);
    assertThat(unknown.getString("error_code")).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    JsonObject unknownPut =
        json(
            send(
                "PUT",
                "/api/2.0/mlflow-artifacts/artifacts/0/nosuchrun/artifacts/x",
                model,
                writeToken),
            404);
    assertThat(unknownPut.getString("error_code")).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    JsonObject bad =
        json(
            send(
                "PUT",
                "/api/2.0/mlflow-artifacts/artifacts/0/" + run + "/models/x",
                model,
                writeToken),
            400);
    assertThat(bad.getString("error_code")).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(bad.getString("message")).contains("<experiment_id>/<run_id>/artifacts/");
  }

  @Test
  void deletingARunDeletesItsFiles() throws Exception {
    String run = createRun("delete");
    json(
        send("PUT", "/api/tracking/runs/" + run + "/artifacts/a/b.txt", new byte[] {9}, writeToken),
        201);
    Path folder = data.resolve("runs").resolve(run).resolve("artifacts");
    assertThat(folder.resolve("a/b.txt")).exists();
    HttpRequest end =
        HttpRequest.newBuilder(URI.create(base + "/api/tracking/runs/" + run + "/end"))
            .header("Authorization", "Bearer " + writeToken)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"status\": \"FINISHED\"}"))
            .build();
    assertThat(http.send(end, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    json(send("DELETE", "/api/runs/" + run, null, writeToken), 200);
    assertThat(folder).doesNotExist();
  }
}
