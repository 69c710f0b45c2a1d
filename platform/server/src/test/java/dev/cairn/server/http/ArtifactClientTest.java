package dev.cairn.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.client.CairnClient;
import dev.cairn.client.CairnClientException;
import dev.cairn.client.Run;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client's {@code logArtifact} against an in-process server: a file streamed from disk is
 * stored with the file's SHA-256; an upload started while the server is still away is retried until
 * it comes up and stored once; a file over the server's limit is refused at once with the limit
 * named.
 */
class ArtifactClientTest {
  @TempDir Path dir;

  @Test
  void uploadsRetriesUntilTheServerIsUpAndNamesTheLimit() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path data = dir.resolve("data");
    Platform platform = Platform.start(new CairnOptions(data, null, null, true));
    try {
      ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", port).maxArtifactBytes(4 << 20);
      String deployment =
          platform
              .vertx()
              .deployVerticle(api)
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      Path weights = dir.resolve("weights.bin");
      byte[] bytes = new byte[3 << 20];
      new Random(11).nextBytes(bytes);
      Files.write(weights, bytes);
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      URI server = URI.create("http://127.0.0.1:" + port);
      try (CairnClient client =
          CairnClient.builder()
              .setServer(server)
              .optCloseTimeout(Duration.ofSeconds(60))
              .optMaxBackoff(Duration.ofMillis(200))
              .build()) {
        Run run = client.startRun("client-artifacts", "weights", Map.of(), Map.of());
        Run.Artifact stored = run.logArtifact(weights, "model/weights.bin");
        assertThat(stored.sha256()).isEqualTo(sha);
        assertThat(stored.sizeBytes()).isEqualTo(bytes.length);
        assertThat(run.logArtifact(weights).path()).isEqualTo("weights.bin");

        // the server goes away; an upload started now is retried until it is back, and stored once
        platform
            .vertx()
            .undeploy(deployment)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
        CompletableFuture<Run.Artifact> retried =
            CompletableFuture.supplyAsync(() -> run.logArtifact(weights, "again.bin"));
        Thread.sleep(1000);
        assertThat(retried).isNotDone();
        ApiVerticle again = new ApiVerticle(platform, "127.0.0.1", port).maxArtifactBytes(4 << 20);
        platform
            .vertx()
            .deployVerticle(again)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
        assertThat(retried.get(60, TimeUnit.SECONDS).sha256()).isEqualTo(sha);

        Path big = dir.resolve("big.bin");
        Files.write(big, new byte[(4 << 20) + 1]);
        assertThatThrownBy(() -> run.logArtifact(big))
            .isInstanceOf(CairnClientException.class)
            .hasMessageContaining(Long.toString(4 << 20))
            .hasMessageContaining("--max-artifact-bytes")
            .satisfies(e -> assertThat(((CairnClientException) e).status()).isEqualTo(413));
        assertThatThrownBy(() -> run.logArtifact(weights, "a\nb"))
            .isInstanceOf(CairnClientException.class)
            .hasMessageContaining("control character");
        assertThatThrownBy(() -> run.logArtifact(weights, "../escape"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'..'");
        assertThatThrownBy(() -> run.logArtifact(dir.resolve("missing.bin")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not a readable file");

        // an open server: MLflow's clients upload with the file's guessed type and no Cairn header
        HttpClient plain = HttpClient.newHttpClient();
        HttpResponse<String> mlflowPut =
            plain.send(
                HttpRequest.newBuilder(
                        URI.create(
                            server
                                + "/api/2.0/mlflow-artifacts/artifacts/0/"
                                + run.id()
                                + "/artifacts/notes.txt"))
                    .header("Content-Type", "text/plain")
                    .PUT(HttpRequest.BodyPublishers.ofString("hello"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(mlflowPut.statusCode()).as(mlflowPut.body()).isEqualTo(200);
        HttpResponse<String> nativePut =
            plain.send(
                HttpRequest.newBuilder(
                        URI.create(
                            server + "/api/tracking/runs/" + run.id() + "/artifacts/notes.txt"))
                    .header("Content-Type", "text/plain")
                    .PUT(HttpRequest.BodyPublishers.ofString("hello"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(nativePut.statusCode())
            .as("the native route keeps the CSRF rule")
            .isEqualTo(403);
        HttpResponse<String> listed =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(server + "/api/runs/" + run.id() + "/artifacts"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        JsonArray artifacts = new JsonObject(listed.body()).getJsonArray("artifacts");
        assertThat(artifacts.stream().map(o -> ((JsonObject) o).getString("path")))
            .containsExactly("again.bin", "model/weights.bin", "notes.txt", "weights.bin");
        assertThat(artifacts.stream().map(o -> ((JsonObject) o).getString("source")))
            .containsExactly("java-client", "java-client", "mlflow", "java-client");
      }
    } finally {
      platform.close();
    }
  }
}
