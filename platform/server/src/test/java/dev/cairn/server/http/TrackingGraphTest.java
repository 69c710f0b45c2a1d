package dev.cairn.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.client.CairnClient;
import dev.cairn.client.EndStatus;
import dev.cairn.client.Run;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model graph through the tracking API ({@code POST /api/tracking/runs/{id}/graph}): what the
 * Java client logs is what {@code GET /api/runs/{id}/graph} answers; a body without a JSON object
 * is a 400 that stores nothing.
 */
class TrackingGraphTest {
  @TempDir Path dir;

  @Test
  void aGraphLoggedByTheClientIsTheRunsGraphAndABadOneIsRefused() throws Exception {
    Platform platform = Platform.start(new CairnOptions(dir, null, null, true));
    try {
      ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0);
      platform
          .vertx()
          .deployVerticle(api)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      String base = "http://127.0.0.1:" + api.actualPort();
      JsonObject graph =
          new JsonObject()
              .put("name", "SequentialBlock")
              .put("totalParameters", 10)
              .put(
                  "children",
                  new JsonArray()
                      .add(new JsonObject().put("name", "Linear").put("totalParameters", 10)));
      String runId;
      try (CairnClient client =
          CairnClient.builder()
              .setServer(URI.create(base))
              .optCloseTimeout(Duration.ofSeconds(30))
              .build()) {
        Run run = client.startRun("graphs", "with-graph", Map.of(), Map.of());
        runId = run.id();
        assertThatThrownBy(() -> run.logGraph("[1, 2]"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("JSON object");
        run.logGraph(graph.encode());
        run.end(EndStatus.FINISHED);
      }
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> stored =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/runs/" + runId + "/graph")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
      assertThat(new JsonObject(stored.body())).isEqualTo(graph);

      for (String bad : new String[] {"{}", "{\"graph\": [1]}", "{\"graph\": \"x\"}"}) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/tracking/runs/" + runId + "/graph"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(bad))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(bad + " -> " + r.body()).isEqualTo(400);
        assertThat(r.body()).contains("'graph' must be a JSON object");
      }
      HttpResponse<String> still =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/runs/" + runId + "/graph")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(new JsonObject(still.body())).isEqualTo(graph);
    } finally {
      platform.close();
    }
  }
}
