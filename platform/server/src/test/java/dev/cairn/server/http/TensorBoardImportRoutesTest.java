package dev.cairn.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.security.Scope;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/tensorboard/import} on a server with tokens: a write token may have the server
 * read log directories only under its data directory (and the operator's {@code --data-root}
 * folders), with the same answer whether or not a folder outside exists; an admin token may name
 * any folder.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TensorBoardImportRoutesTest {
  @TempDir static Path data;
  @TempDir static Path elsewhere;
  Platform platform;
  String base;
  String writeToken;
  String adminToken;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  void start() throws Exception {
    platform = Platform.start(new CairnOptions(data, null, null, true));
    Instant later = Instant.now().plusSeconds(3600);
    writeToken = platform.security().createToken("writer", Scope.WRITE, later).token();
    adminToken = platform.security().createToken("root", Scope.ADMIN, later).token();
    AuthSettings auth = new AuthSettings(true, false, List.of(), 100_000);
    ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0, auth);
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

  HttpResponse<String> importDir(Path logdir, String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + "/api/tensorboard/import"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    new JsonObject()
                        .put("logdir", logdir.toString())
                        .put("experiment", "tb")
                        .encode()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aWriteTokenReadsOnlyUnderTheRootsAndLearnsNothingOfOtherFolders() throws Exception {
    Path outside = Files.createDirectories(elsewhere.resolve("runs"));
    HttpResponse<String> existing = importDir(outside, writeToken);
    HttpResponse<String> missing = importDir(elsewhere.resolve("no-such-folder"), writeToken);
    HttpResponse<String> system = importDir(Path.of("/etc"), writeToken);
    for (HttpResponse<String> r : List.of(existing, missing, system)) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message"))
          .contains("logdir: '")
          .contains("is not allowed on this server; paths must lie under")
          .contains("--data-root");
    }
    assertThat(existing.body().replace(outside.toString(), "X"))
        .isEqualTo(missing.body().replace(elsewhere.resolve("no-such-folder").toString(), "X"));

    Path inside = Files.createDirectories(data.resolve("tb-logs"));
    HttpResponse<String> ok = importDir(inside, writeToken);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(new JsonObject(ok.body()).getInteger("files")).isZero();
  }

  @Test
  void anAdminTokenMayNameAnyFolder() throws Exception {
    Path outside = Files.createDirectories(elsewhere.resolve("admin-runs"));
    HttpResponse<String> ok = importDir(outside, adminToken);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
  }
}
