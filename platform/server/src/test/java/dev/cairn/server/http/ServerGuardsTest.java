package dev.cairn.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.security.SecurityStore;
import dev.cairn.core.tracking.NewRun;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.sweep.SweepControllerVerticle;
import dev.cairn.server.sweep.SweepHead;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server on loopback with a data root besides its data directory: specs (runs and sweeps) that
 * read files outside the roots get a 400 naming the field and the roots, the same whether the file
 * exists or not, and nothing is stored; files under a root train. Half-sent requests are closed
 * after the request timeout while /api/health still answers, and connections beyond the cap are
 * closed at once. Runs beyond the epoch limit, and runs and sweeps of an owner whose queue is full,
 * are refused before anything is stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerGuardsTest {
  @TempDir static Path data;
  @TempDir static Path root;
  @TempDir static Path outside;
  Platform platform;
  String base;
  int port;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    platform = Platform.start(new CairnOptions(data, null, null, true));
    SweepHead.deploy(platform, new SweepControllerVerticle.Settings(10_000, true), 1);
    ApiVerticle api =
        new ApiVerticle(platform, "127.0.0.1", 0, new ServerLimits(List.of(root), 60, 2, 1000));
    platform
        .vertx()
        .deployVerticle(api)
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    port = api.actualPort();
    base = "http://127.0.0.1:" + port;
  }

  @AfterAll
  void stop() {
    platform.close();
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "text/yaml")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String csvSpec(String file) {
    return """
        epochs: 1
        dataset: {plugin: csv, file: '%s', batchSize: 4}
        model: {plugin: mlp, hidden: [4]}
        optimizer: {plugin: sgd, lr: 0.1}
        loss: softmax-cross-entropy
        """
        .formatted(file);
  }

  static void csv(Path file) throws Exception {
    StringBuilder s = new StringBuilder("x,y,label\n");
    for (int i = 0; i < 16; i++) {
      s.append(i % 2)
          .append(',')
          .append(i / 2 % 2)
          .append(',')
          .append((i % 2) ^ (i / 2 % 2))
          .append('\n');
    }
    Files.writeString(file, s);
  }

  String message(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonObject("error").getString("message");
  }

  @Test
  void specsReadOnlyUnderTheDataRoots() throws Exception {
    Path secret = outside.resolve("secret.csv");
    csv(secret);
    Files.createSymbolicLink(root.resolve("link.csv"), secret);
    String runsBefore = get("/api/runs").body();

    HttpResponse<String> exists = post("/api/runs", csvSpec(secret.toString()));
    HttpResponse<String> missing =
        post("/api/runs", csvSpec(outside.resolve("nothing.csv").toString()));
    assertThat(exists.statusCode()).as(exists.body()).isEqualTo(400);
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(message(exists))
        .startsWith(
            "dataset.file: '"
                + secret
                + "' is not allowed on this server;"
                + " paths must lie under ")
        .contains(root.toRealPath().toString())
        .contains("--data-root");
    // the same answer whether the file exists or not
    assertThat(message(missing).replace("nothing.csv", "secret.csv")).isEqualTo(message(exists));

    for (String bad :
        List.of(
            "/etc/passwd",
            root + "/../" + outside.getFileName() + "/secret.csv",
            root.resolve("link.csv").toString(),
            "../../../../../../etc/passwd")) {
      HttpResponse<String> r = post("/api/runs", csvSpec(bad));
      assertThat(r.statusCode()).as(bad + " " + r.body()).isEqualTo(400);
      assertThat(message(r)).as(bad).startsWith("dataset.file: ");
    }
    HttpResponse<String> folder =
        post(
            "/api/runs",
            csvSpec("x").replace("plugin: csv, file: 'x'", "plugin: image-folder, folder: /"));
    assertThat(folder.statusCode()).isEqualTo(400);
    assertThat(message(folder)).startsWith("dataset.folder: '/' is not allowed on this server");
    HttpResponse<String> tune =
        post(
            "/api/runs",
            csvSpec(root.resolve("x.csv").toString()) + "training: {fineTune: {from: /etc}}\n");
    assertThat(tune.statusCode()).isEqualTo(400);
    assertThat(message(tune))
        .startsWith("training.fineTune.from: '/etc' is not allowed on a server;");

    String sweep =
        """
        name: s
        spec:
          epochs: 1
          dataset: {plugin: csv, file: '%s'}
          model: mlp
          optimizer: sgd
          loss: softmax-cross-entropy
        method: grid
        metric: {name: epoch/train_loss, goal: minimize}
        parameters:
          optimizer.lr: {values: [0.1]}
        """;
    HttpResponse<String> sweepBase = post("/api/sweeps", sweep.formatted("/etc/passwd"));
    assertThat(sweepBase.statusCode()).as(sweepBase.body()).isEqualTo(400);
    assertThat(message(sweepBase)).contains("dataset.file").contains("not allowed on this server");
    HttpResponse<String> sweepParam =
        post(
            "/api/sweeps",
            sweep
                .formatted(root.resolve("x.csv"))
                .replace(
                    "optimizer.lr: {values: [0.1]}", "dataset.file: {values: ['" + secret + "']}"));
    assertThat(sweepParam.statusCode()).as(sweepParam.body()).isEqualTo(400);
    assertThat(message(sweepParam)).contains("dataset.file").contains("not allowed on this server");
    assertThat(get("/api/runs").body()).isEqualTo(runsBefore);
    assertThat(new JsonObject(get("/api/sweeps").body()).getJsonArray("sweeps")).isEmpty();

    // under a root (given relative to nothing: absolute), the same spec trains
    Path ok = root.resolve("xor.csv");
    csv(ok);
    HttpResponse<String> accepted = post("/api/runs", csvSpec(ok.toString()));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    String id = new JsonObject(accepted.body()).getString("id");
    String status = "";
    for (int i = 0; i < 600 && !status.equals("FINISHED") && !status.equals("FAILED"); i++) {
      Thread.sleep(100);
      status = new JsonObject(get("/api/runs/" + id).body()).getString("status");
    }
    assertThat(status).isEqualTo("FINISHED");
  }

  @Test
  void halfSentRequestsAreClosedWhileHealthAnswers() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) {
        Socket s = new Socket("127.0.0.1", port);
        OutputStream out = s.getOutputStream();
        out.write(
            "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        held.add(s);
      }
      HttpResponse<String> health = get("/api/health");
      assertThat(health.statusCode()).isEqualTo(200);
      for (Socket s : held) {
        assertThat(closedWithin(s, 60_000)).isTrue();
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    assertThat(get("/api/health").statusCode()).isEqualTo(200);
  }

  @Test
  void connectionsBeyondTheCapAreClosed() throws Exception {
    ApiVerticle capped =
        new ApiVerticle(platform, "127.0.0.1", 0, new ServerLimits(List.of(root), 60, 60, 3));
    String id =
        platform
            .vertx()
            .deployVerticle(capped)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        held.add(new Socket("127.0.0.1", capped.actualPort()));
      }
      try (Socket extra = new Socket("127.0.0.1", capped.actualPort())) {
        assertThat(closedWithin(extra, 60_000)).isTrue();
      }
      for (Socket s : held) {
        s.close();
      }
      held.clear();
      // the cap counts open connections: once they close, requests are answered again
      HttpResponse<String> health = null;
      for (int i = 0; i < 100 && (health == null || health.statusCode() != 200); i++) {
        try {
          health =
              http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + capped.actualPort() + "/api/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
          Thread.sleep(100);
        }
      }
      assertThat(health).isNotNull();
      assertThat(health.statusCode()).isEqualTo(200);
    } finally {
      for (Socket s : held) {
        s.close();
      }
      platform
          .vertx()
          .undeploy(id)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void runsBeyondTheLimitsAreRefusedBeforeAnythingIsStored() throws Exception {
    ApiVerticle limited =
        new ApiVerticle(
            platform, "127.0.0.1", 0, new ServerLimits(List.of(root), 60, 60, 1000, 5, 1));
    String deployment =
        platform
            .vertx()
            .deployVerticle(limited)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    String at = "http://127.0.0.1:" + limited.actualPort();
    String spec =
        "epochs: %d\ndataset: {plugin: xor, repeat: 20000, batchSize: 4}\nmodel: mlp\noptimizer: sgd\n"
            + "loss: softmax-cross-entropy\n";
    try {
      String runsBefore = get("/api/runs").body();
      HttpResponse<String> tooLong =
          http.send(
              HttpRequest.newBuilder(URI.create(at + "/api/runs"))
                  .header("X-Cairn-Request", "1")
                  .POST(HttpRequest.BodyPublishers.ofString(spec.formatted(6)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(tooLong.statusCode()).isEqualTo(400);
      assertThat(message(tooLong))
          .isEqualTo(
              "epochs: 6 is more than this server allows (5); the operator raises it"
                  + " with `cairn serve --max-epochs N`");
      assertThat(get("/api/runs").body()).isEqualTo(runsBefore);

      // the queue limit (1 here) counts the submitter's QUEUED runs only: 3 of another owner and
      // none of its own, so this run is taken
      List<String> waiting = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        waiting.add(queued("alice"));
      }
      HttpResponse<String> first =
          http.send(
              HttpRequest.newBuilder(URI.create(at + "/api/runs"))
                  .header("X-Cairn-Request", "1")
                  .POST(HttpRequest.BodyPublishers.ofString(spec.formatted(5)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
      String id = new JsonObject(first.body()).getString("id");
      http.send(
          HttpRequest.newBuilder(URI.create(at + "/api/runs/" + id + "/stop"))
              .header("X-Cairn-Request", "1")
              .POST(HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.ofString());
      for (int i = 0; i < 600 && platform.runs().activeRuns().contains(id); i++) {
        Thread.sleep(100);
      }
      // with one run of its own queued, a run and a sweep are refused and nothing is stored
      waiting.add(queued("local"));
      String runsFull = get("/api/runs").body();
      String sweepsFull = get("/api/sweeps").body();
      HttpResponse<String> second =
          http.send(
              HttpRequest.newBuilder(URI.create(at + "/api/runs"))
                  .header("X-Cairn-Request", "1")
                  .POST(HttpRequest.BodyPublishers.ofString(spec.formatted(1)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(second.statusCode()).as(second.body()).isEqualTo(429);
      assertThat(message(second))
          .isEqualTo(
              "owner local has 1 runs queued; the limit is 1. Retry when some have started, or"
                  + " the operator raises it with `cairn serve --max-queued-runs N`");
      HttpResponse<String> sweep =
          http.send(
              HttpRequest.newBuilder(URI.create(at + "/api/sweeps"))
                  .header("X-Cairn-Request", "1")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "method: grid\nmetric: {name: epoch/train_loss, goal: minimize}\n"
                              + "parameters:\n  optimizer.lr: {values: [0.1, 0.2]}\nspec:\n"
                              + spec.formatted(1).indent(2)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(sweep.statusCode()).as(sweep.body()).isEqualTo(429);
      assertThat(message(sweep)).startsWith("owner local has 1 runs queued; the limit is 1.");
      assertThat(get("/api/runs").body()).isEqualTo(runsFull);
      assertThat(get("/api/sweeps").body()).isEqualTo(sweepsFull);
      waiting.forEach(platform.store()::deleteRun);
    } finally {
      platform
          .vertx()
          .undeploy(deployment)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** A run stored QUEUED (never submitted for training) that belongs to {@code owner}. */
  String queued(String owner) {
    String id =
        platform
            .store()
            .createRun(new NewRun("queue", "waiting", "", null, 1, "cpu", null, null))
            .id();
    if (!owner.equals("local")) {
      platform.security().setOwner(SecurityStore.Owned.RUN, id, owner);
    }
    return id;
  }

  /**
   * Whether the server closes {@code s} (end of stream) within {@code ms}; bytes it sends first are
   * skipped.
   */
  static boolean closedWithin(Socket s, int ms) throws Exception {
    s.setSoTimeout(ms);
    InputStream in = s.getInputStream();
    try {
      byte[] buf = new byte[4096];
      while (true) {
        if (in.read(buf) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset by the server
    }
  }
}
