package dev.cairn.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.onnx.OnnxModelInspector;
import dev.cairn.core.onnx.RegisteredModel;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.sweep.SweepControllerVerticle;
import dev.cairn.server.sweep.SweepHead;
import dev.cairn.server.tracking.TrackingRoutes;
import dev.cairn.spi.SpecException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
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
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz and abuse suite of issue 18: a real server (real H2, ONNX Runtime, PF4J) on loopback
 * gets each item of the issue and a seeded corpus of at least 100 bad inputs of each kind (spec,
 * HTTP body and query, ONNX file, plugin jar, upload). Every answer is a 4xx with a clear message,
 * never a 500, never a stack trace, a Java type name or a server path; the runs and series are
 * unchanged (checksums before and after each test), and /api/health still answers. Bounded: fixed
 * counts, fixed seed, a timeout per test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
  static final long SEED = 18;
  static final int PER_KIND = 100;
  static final long BUDGET = 4L << 20;

  /** What no answer may hold: stack frames, exception or Java type names. */
  static final Pattern LEAK =
      Pattern.compile(
          "\\tat |\\bat [a-z]+\\.[a-z]+\\.|Exception\\b|\\bjava\\.[a-z]+\\.|"
              + "\\bio\\.vertx\\.|\\bcom\\.fasterxml\\.|\\bdev\\.cairn\\.[a-z]+\\.|\\bai\\.(djl|onnxruntime)\\.");

  @TempDir static Path data;
  @TempDir static Path pluginsData;
  Platform platform;
  ApiVerticle api;
  String base;
  int port;
  String runId;
  String modelId;
  Map<String, String> checksum;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  final Map<String, int[]> counts = new LinkedHashMap<>();

  @BeforeAll
  void start() throws Exception {
    platform = Platform.start(new CairnOptions(data, null, null, true));
    SweepHead.deploy(platform, new SweepControllerVerticle.Settings(10_000, true), 1);
    // every spec that parses is refused by the epoch limit (the corpus asks for 7): nothing trains
    api =
        new ApiVerticle(
            platform,
            "127.0.0.1",
            0,
            new ServerLimits(List.of(), 60, 30, 1000, 1, 16, BUDGET, 1_000_000, 1L << 30));
    platform
        .vertx()
        .deployVerticle(api)
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    port = api.actualPort();
    base = "http://127.0.0.1:" + port;
    // a finished outside run with a series and a registered model: what the checksums cover
    HttpResponse<String> run =
        send(
            "POST",
            "/api/tracking/runs",
            "application/json",
            "{\"experiment\": \"fuzz\", \"name\": \"seed\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(run.statusCode()).as(run.body()).isLessThan(300);
    runId = new JsonObject(run.body()).getString("id");
    StringBuilder steps = new StringBuilder();
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      steps.append(i == 0 ? "" : ",").append(i);
      values.append(i == 0 ? "" : ",").append(1.0 / (i + 1));
    }
    String points =
        "{\"series\": [{\"tag\": \"train/loss\", \"steps\": ["
            + steps
            + "], \"values\": ["
            + values
            + "]}]}";
    HttpResponse<String> logged =
        send(
            "POST",
            "/api/tracking/runs/" + runId + "/scalars",
            "application/json",
            points.getBytes(StandardCharsets.UTF_8));
    assertThat(logged.statusCode()).as(logged.body()).isLessThan(300);
    HttpResponse<String> end =
        send(
            "POST",
            "/api/tracking/runs/" + runId + "/end",
            "application/json",
            "{\"status\": \"FINISHED\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(end.statusCode()).as(end.body()).isLessThan(300);
    HttpResponse<String> model =
        send(
            "POST",
            "/api/models?name=identity",
            "application/octet-stream",
            HostileCorpus.identityModel());
    assertThat(model.statusCode()).as(model.body()).isEqualTo(201);
    modelId = new JsonObject(model.body()).getString("id");
    long deadline = System.currentTimeMillis() + 30_000;
    while (send("GET", "/api/runs/" + runId + "/series?tag=train/loss", null, null).statusCode()
            != 200
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
  }

  @AfterAll
  void stop() {
    System.out.println(
        "HostileInputTest bad inputs per kind (sent, answered 4xx): " + describeCounts());
    platform.close();
  }

  @BeforeEach
  void before() throws Exception {
    checksum = checksum();
  }

  @AfterEach
  void storeUnchangedAndServerAlive() throws Exception {
    assertThat(checksum()).as("runs, params, series, models: unchanged").isEqualTo(checksum);
    assertThat(send("GET", "/api/health", null, null).statusCode()).isEqualTo(200);
    assertThat(api.uploadBudget().inFlight()).as("every upload gave its bytes back").isZero();
  }

  // ---- the corpus, kind by kind

  @Test
  @Timeout(120)
  void specs() throws Exception {
    List<HostileCorpus.Item> specs = new HostileCorpus(SEED).specs(PER_KIND);
    assertThat(specs).hasSizeGreaterThanOrEqualTo(PER_KIND);
    for (HostileCorpus.Item spec : specs) {
      clear4xx("spec", spec.label(), send("POST", "/api/runs", "text/yaml", spec.bytes()));
    }
    // the same as JSON, as the dashboard sends them
    for (HostileCorpus.Item spec : specs.subList(0, 20)) {
      clear4xx(
          "spec",
          "json " + spec.label(),
          send(
              "POST",
              "/api/runs",
              "application/json",
              new JsonObject().put("spec", spec.text()).encode().getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  @Timeout(120)
  void httpBodiesOnEveryWriteRoute() throws Exception {
    List<HostileCorpus.Item> bodies = new HostileCorpus(SEED + 1).bodies(PER_KIND);
    assertThat(bodies).hasSizeGreaterThanOrEqualTo(PER_KIND);
    int written = 0;
    for (AccessRules.Rule rule : AccessRules.all()) {
      if (rule.method().equals(HttpMethod.GET)) {
        continue;
      }
      String path = concrete(rule.path(), "nosuchid");
      // each route gets half the corpus, in turns; together they get all of it
      written++;
      for (int i = 0; i < bodies.size(); i += 2) {
        HostileCorpus.Item body = bodies.get((i + written) % bodies.size());
        String type =
            body.label().hashCode() % 3 == 0 ? "text/plain; charset=utf-8" : "application/json";
        HttpResponse<String> r = send(rule.method().name(), path, type, body.bytes());
        if (rule.access() == AccessRules.Access.READ) {
          // a search sent as POST (MLflow's) ignores fields it does not know, as MLflow does: no
          // 5xx is the rule
          noServerError("body", rule.method() + " " + path + " " + body.label(), r);
        } else {
          clear4xx("body", rule.method() + " " + path + " " + body.label(), r);
        }
      }
    }
    // the routes that take a model id, with the real one: the body is what is wrong
    for (String path :
        List.of(
            "/api/models/" + modelId + "/evaluate",
            "/api/models/" + modelId + "/predict",
            "/v2/models/" + modelId + "/infer")) {
      for (HostileCorpus.Item body : bodies) {
        clear4xx(
            "body",
            "POST " + path + " " + body.label(),
            send("POST", path, "application/json", body.bytes()));
      }
    }
  }

  @Test
  @Timeout(120)
  void httpQueriesOnEveryReadRoute() throws Exception {
    List<String> queries = new HostileCorpus(SEED + 2).queries(PER_KIND);
    int refused = 0;
    int routes = 0;
    for (AccessRules.Rule rule : AccessRules.all()) {
      if (!rule.method().equals(HttpMethod.GET)
          || rule.path().equals("/*")
          || rule.path().startsWith("/api/live")) {
        continue;
      }
      routes++;
      for (String id : List.of(runId, "nosuchid")) {
        String path = concrete(rule.path(), rule.path().contains("models") ? modelId : id);
        // each route gets a slice of the corpus; together they get all of it
        for (int i = 0; i < 10; i++) {
          String q = queries.get((routes * 20 + i + (id.equals(runId) ? 0 : 10)) % queries.size());
          HttpResponse<String> r = send("GET", path + "?" + q, null, null);
          noServerError("query", "GET " + path + "?" + q, r);
          refused += r.statusCode() >= 400 ? 1 : 0;
        }
      }
    }
    assertThat(refused).as("bad queries refused").isGreaterThanOrEqualTo(PER_KIND);
  }

  @Test
  @Timeout(120)
  void onnxFiles() throws Exception {
    List<HostileCorpus.Item> files = new HostileCorpus(SEED + 3).onnxFiles(PER_KIND);
    assertThat(files).hasSizeGreaterThanOrEqualTo(PER_KIND);
    for (HostileCorpus.Item file : files) {
      HttpResponse<String> r =
          send("POST", "/api/models?name=fuzz", "application/octet-stream", file.bytes());
      clear4xx("onnx", file.label(), r);
      assertThat(r.statusCode()).as(file.label() + " " + r.body()).isEqualTo(400);
    }
    try (var listing = Files.list(data.resolve("uploads"))) {
      assertThat(listing.toList()).as("no upload left behind").isEmpty();
    }
  }

  @Test
  @Timeout(120)
  void uploads() throws Exception {
    HostileCorpus corpus = new HostileCorpus(SEED + 4);
    List<CompletableFuture<HttpResponse<String>>> parallel = new ArrayList<>();
    // issue item 1: parallel uploads beyond the budget get 429 with Retry-After, never an
    // OutOfMemoryError
    for (int i = 0; i < 12; i++) {
      byte[] body = corpus.randomBytes((int) (BUDGET / 3));
      parallel.add(
          http.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "/api/models?name=big" + i))
                  .header("Content-Type", "application/octet-stream")
                  .timeout(Duration.ofSeconds(60))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    int busy = 0;
    for (var f : parallel) {
      HttpResponse<String> r = f.get(90, TimeUnit.SECONDS);
      clear4xx("upload", "parallel", r);
      if (r.statusCode() == 429) {
        busy++;
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(message(r)).contains("retry in").contains("--max-upload-bytes-in-flight");
      }
    }
    assertThat(busy).as("uploads beyond the budget of " + BUDGET + " bytes").isPositive();
    // one upload larger than the whole budget
    HttpResponse<String> whole =
        send(
            "POST",
            "/api/models",
            "application/octet-stream",
            corpus.randomBytes((int) BUDGET + 1));
    clear4xx("upload", "over the budget", whole);
    assertThat(whole.statusCode()).isEqualTo(413);
    assertThat(message(whole)).contains("upload budget of " + BUDGET + " bytes");
    // curl's default form type, multipart, a name with CR/LF or too long
    for (String type :
        List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
      HttpResponse<String> r =
          send("POST", "/api/models", type, "a=b".getBytes(StandardCharsets.UTF_8));
      clear4xx("upload", type, r);
      assertThat(r.statusCode()).isEqualTo(415);
      assertThat(message(r)).contains("--data-binary @model.onnx");
    }
    for (String name : List.of("evil%0D%0AX-Injected:%201", "x".repeat(300), "%20", "tab%09name")) {
      HttpResponse<String> r =
          send(
              "POST",
              "/api/models?name=" + name,
              "application/octet-stream",
              HostileCorpus.identityModel());
      clear4xx("upload", "name " + name, r);
      assertThat(message(r)).contains("'name'");
    }
    // declared lengths over each route's own limit: the 413 names that route's limit
    Map<String, Long> limits =
        Map.of(
            "/api/models",
            ModelsApi.MAX_IMPORT_BYTES,
            "/api/models/" + modelId + "/predict",
            ModelsApi.MAX_PREDICT_BYTES,
            "/api/tracking/runs/" + runId + "/scalars",
            (long) TrackingRoutes.MAX_BODY_BYTES,
            "/api/runs",
            (long) ApiVerticle.MAX_BODY_BYTES);
    for (var e : limits.entrySet()) {
      String answer = rawPost(e.getKey(), e.getValue() + 1, 1024);
      assertThat(answer)
          .as(e.getKey())
          .startsWith("HTTP/1.1 413")
          .contains(Long.toString(e.getValue()));
      if (e.getValue() != ApiVerticle.MAX_BODY_BYTES) {
        assertThat(answer).as(e.getKey()).doesNotContain("1048576");
      }
    }
    // uploads abandoned mid-body and chunked uploads that outgrow the budget
    int sent = 0;
    while (sent < PER_KIND) {
      int kind = sent % 4;
      String label = "upload " + sent;
      switch (kind) {
        case 0 -> rawAbandon("/api/models", 1 << 20, 1 + (sent * 7919) % 100_000);
        case 1 -> {
          HttpResponse<String> r =
              sendChunked("/api/models", corpus.randomBytes((int) BUDGET + 4096));
          clear4xx("upload", label + " chunked over the budget", r);
        }
        case 2 -> {
          HttpResponse<String> r =
              send(
                  "POST",
                  "/api/models?name=u" + sent,
                  "application/octet-stream",
                  corpus.randomBytes(1 + sent * 97));
          clear4xx("upload", label + " random bytes", r);
        }
        default -> {
          HttpResponse<String> r =
              send(
                  "POST",
                  "/api/models/" + modelId + "/predict",
                  "application/json",
                  corpus.randomBytes(1 + sent * 31));
          clear4xx("upload", label + " predict body", r);
        }
      }
      count("upload", true);
      sent++;
    }
    long deadline = System.currentTimeMillis() + 10_000;
    while (api.uploadBudget().inFlight() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    try (var listing = Files.list(data.resolve("uploads"))) {
      assertThat(listing.toList()).as("no upload left behind").isEmpty();
    }
  }

  @Test
  @Timeout(120)
  void pluginJars() throws Exception {
    Path plugins = Files.createDirectories(pluginsData.resolve("plugins"));
    List<HostileCorpus.Item> jars = new HostileCorpus(SEED + 5).pluginJars(PER_KIND);
    for (int i = 0; i < jars.size(); i++) {
      Files.write(plugins.resolve("fuzz-" + i + ".jar"), jars.get(i).bytes());
    }
    Platform other =
        Platform.start(new CairnOptions(pluginsData.resolve("data"), null, plugins, true));
    try {
      ApiVerticle server = new ApiVerticle(other, "127.0.0.1", 0);
      other
          .vertx()
          .deployVerticle(server)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.actualPort() + "/api/plugins"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      var problems = new JsonObject(r.body()).getJsonArray("problems");
      assertThat(problems.size())
          .as("a problem per broken jar")
          .isGreaterThanOrEqualTo(PER_KIND * 8 / 10);
      for (int i = 0; i < problems.size(); i++) {
        String text = problems.getJsonObject(i).encode();
        assertThat(text)
            .as("no server path")
            .doesNotContain(plugins.toString())
            .doesNotContain(pluginsData.toString());
        assertThat(LEAK.matcher(text).find()).as("no Java type or stack: " + text).isFalse();
        assertThat(problems.getJsonObject(i).getString("reason")).isNotBlank();
      }
      for (int i = 0; i < jars.size(); i++) {
        count("plugin jar", true);
      }
      // the built-in plugins still load beside them
      assertThat(new JsonObject(r.body()).getJsonArray("extensions").encode())
          .contains("\"xor\"")
          .contains("\"mlp\"");
    } finally {
      other.close();
    }
  }

  // ---- the issue's items, one by one

  @Test
  @Timeout(120)
  void issueItems() throws Exception {
    // 2: files outside the data roots
    for (String spec :
        List.of(
            HostileCorpus.SPEC.replace(
                "{plugin: xor, repeat: 4, batchSize: 4}",
                "{plugin: csv, file: /etc/passwd, separator: ':'}"),
            HostileCorpus.SPEC.replace(
                "{plugin: xor, repeat: 4, batchSize: 4}", "{plugin: image-folder, folder: /}"),
            HostileCorpus.SPEC + "training: {fineTune: {from: /etc}}\n")) {
      HttpResponse<String> r =
          send("POST", "/api/runs", "text/yaml", spec.getBytes(StandardCharsets.UTF_8));
      clear4xx("issue", "paths", r);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(message(r)).contains("is not allowed on ");
    }
    // 4: spec integers
    for (String[] c :
        new String[][] {
          {"epochs: 7", "epochs: 99999999999999999999999", "epochs"},
          {"batchSize: 4", "batchSize: 1000000000000", "batchSize"},
          {"repeat: 4", "repeat: 2000000000", "repeat"},
          {"seed: 3", "seed: 1e30", "seed"}
        }) {
      HttpResponse<String> r =
          send(
              "POST",
              "/api/runs",
              "text/yaml",
              HostileCorpus.SPEC.replace(c[0], c[1]).getBytes(StandardCharsets.UTF_8));
      clear4xx("issue", c[1], r);
      assertThat(message(r)).contains(c[2]);
    }
    // 5: resource limits, before anything is stored
    HttpResponse<String> hidden =
        send(
            "POST",
            "/api/runs",
            "text/yaml",
            HostileCorpus.SPEC
                .replace("epochs: 7", "epochs: 1")
                .replace("hidden: [4]", "hidden: [100000000]")
                .getBytes(StandardCharsets.UTF_8));
    clear4xx("issue", "hidden 1e8", hidden);
    assertThat(message(hidden))
        .startsWith("model: at least 300,000,000 parameters")
        .contains("(1,000,000)")
        .contains("--max-parameters");
    HttpResponse<String> epochs =
        send(
            "POST",
            "/api/runs",
            "text/yaml",
            HostileCorpus.SPEC
                .replace("epochs: 7", "epochs: 1000000000")
                .getBytes(StandardCharsets.UTF_8));
    clear4xx("issue", "epochs 1e9", epochs);
    assertThat(message(epochs)).contains("--max-epochs");
    StringBuilder variants = new StringBuilder(HostileCorpus.SPEC).append("variants:\n");
    for (int i = 0; i < 10_000; i++) {
      variants.append("  - {name: v").append(i).append("}\n");
    }
    try {
      SpecParser.parseAll(variants.toString(), "fuzz");
      throw new AssertionError("10,000 variants were accepted");
    } catch (SpecException e) {
      assertThat(e.getMessage()).contains("10000 variants").contains("at most 1000");
    }
    clear4xx(
        "issue",
        "variants over REST",
        send(
            "POST",
            "/api/runs",
            "text/yaml",
            variants.toString().getBytes(StandardCharsets.UTF_8)));
    // 8: the remaining 500s
    HttpResponse<String> token = send("GET", "/api/runs?pageToken=garbage", null, null);
    clear4xx("issue", "pageToken", token);
    assertThat(message(token)).contains("pageToken");
    for (String[] c :
        new String[][] {
          {"{\"dataset\": \"xor\", \"batchSize\": \"x\"}", "batchSize"},
          {"{\"dataset\": \"xor\", \"params\": [1]}", "params"}
        }) {
      HttpResponse<String> r =
          send(
              "POST",
              "/api/models/" + modelId + "/evaluate",
              "application/json",
              c[0].getBytes(StandardCharsets.UTF_8));
      clear4xx("issue", c[0], r);
      assertThat(message(r)).startsWith("'" + c[1] + "'");
    }
    HttpResponse<String> cap =
        send(
            "POST",
            "/api/sweeps",
            "application/json",
            "{\"sweep\": \"method: grid\", \"runCap\": \"x\"}".getBytes(StandardCharsets.UTF_8));
    clear4xx("issue", "runCap", cap);
    assertThat(message(cap)).startsWith("'runCap'");
    HttpResponse<String> form =
        send(
            "POST",
            "/api/models",
            "application/x-www-form-urlencoded",
            HostileCorpus.identityModel());
    assertThat(form.statusCode()).isEqualTo(415);
    // a model name with CR/LF (registered before names were checked) downloads with a safe header
    byte[] bytes = HostileCorpus.identityModel();
    RegisteredModel evil =
        platform
            .models()
            .register(
                "evil\r\nX-Injected: 1",
                RegisteredModel.Source.IMPORT,
                null,
                bytes,
                OnnxModelInspector.inspect(bytes, "test"));
    try {
      HttpResponse<byte[]> file =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/models/" + evil.id() + "/file"))
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(file.statusCode()).isEqualTo(200);
      assertThat(file.headers().firstValue("X-Injected")).isEmpty();
      assertThat(file.headers().firstValue("Content-Disposition").orElseThrow())
          .isEqualTo("attachment; filename=\"evil__X-Injected: 1.onnx\"");
      assertThat(file.body()).isEqualTo(bytes);
    } finally {
      assertThat(
              send("DELETE", "/api/models/" + evil.id(), "application/json", new byte[0])
                  .statusCode())
          .isEqualTo(200);
    }
  }

  /**
   * Sweeps are held to the run limits for the largest trial they can produce (epochs 1, 1,000,000
   * parameters and 1 GiB here), and to 1000 trials: each is a 400 naming the field and the limit,
   * and nothing is stored (the checksums).
   */
  @Test
  @Timeout(120)
  void sweepsBeyondTheLimits() throws Exception {
    String small = HostileCorpus.SPEC.replace("epochs: 7", "epochs: 1");
    String cnn = small.replace("{plugin: mlp, hidden: [4]}", "{plugin: cnn, hidden: 8}");
    String uniformLr = "optimizer.lr: {distribution: uniform, min: 0.01, max: 0.1}";
    String[][] cases = {
      // method, parameters, base spec, runCap in the JSON body (0: none), the message's start
      {
        "grid",
        "epochs: {values: [1, 5]}",
        small,
        "0",
        "parameters.epochs: 5 is more than this server allows (1)"
      },
      {
        "grid",
        "epochs: {distribution: int_uniform, min: 1, max: 1000}",
        small,
        "0",
        "parameters.epochs: 1000 is more than this server allows (1)"
      },
      {
        "random",
        uniformLr,
        HostileCorpus.SPEC,
        "0",
        "spec.epochs: 7 is more than this server allows (1)"
      },
      {
        "grid",
        "model.hidden: {values: [[4], [8, 8], [100000000]]}",
        small,
        "0",
        "parameters.model.hidden: at least 300,000,000 parameters"
      },
      {
        "random",
        "model.hidden: {distribution: q_uniform, min: 8, max: 1e9, q: 8}",
        cnn,
        "0",
        "parameters.model.hidden: at least 1,000,000,"
      },
      {
        "bayes",
        "dataset.batchSize: {distribution: int_uniform, min: 1, max: 100000000}",
        small,
        "0",
        "parameters.dataset.batchSize: training needs at least 3.0 GiB"
      },
      {
        "random",
        "dataset.batchSize: {distribution: log_uniform, min: 1, max: 100000000}\n"
            + "  optimizer.lr: {distribution: normal, mu: 0.1, sigma: 0.01}",
        small,
        "0",
        "parameters.dataset.batchSize: training needs at least"
      },
      {"random", uniformLr + "\nrun_cap: 5000", small, "0", "run_cap: 5000 trials is more than"},
      {"random", uniformLr, small, "1001", "run_cap: 1001 trials is more than"},
      {
        "grid",
        "seed: {distribution: int_uniform, min: 1, max: 2000}",
        small,
        "0",
        "run_cap: 2000 trials"
      },
    };
    for (String[] c : cases) {
      String sweep =
          "method: "
              + c[0]
              + "\nmetric: {name: epoch/train_loss, goal: minimize}\nparameters:\n  "
              + c[1]
              + "\n";
      JsonObject body = new JsonObject().put("sweep", sweep).put("spec", c[2]);
      if (!c[3].equals("0")) {
        body.put("runCap", Integer.parseInt(c[3]));
      }
      HttpResponse<String> r =
          send(
              "POST",
              "/api/sweeps",
              "application/json",
              body.encode().getBytes(StandardCharsets.UTF_8));
      clear4xx("sweep", c[1], r);
      assertThat(r.statusCode()).as(c[1] + ": " + r.body()).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code"))
          .as(c[1] + ": " + r.body())
          .isEqualTo("limit_exceeded");
      assertThat(message(r)).as(c[1]).startsWith(c[4]);
      // the YAML form with the base spec inline is held to the same limits
      if (c[3].equals("0")) {
        HttpResponse<String> yaml =
            send(
                "POST",
                "/api/sweeps",
                "text/yaml",
                (sweep + "spec:\n" + c[2].indent(2)).getBytes(StandardCharsets.UTF_8));
        clear4xx("sweep", "yaml " + c[1], yaml);
        assertThat(message(yaml)).as(c[1]).startsWith(c[4]);
      }
    }
  }

  /**
   * The Open Inference Protocol routes clean their errors like the rest of the API: bad model
   * names, versions and bodies get a 4xx without server paths, Java type names or exceptions.
   */
  @Test
  @Timeout(120)
  void openInferenceErrorsShowNoServerInternals() throws Exception {
    List<String> names =
        List.of(
            "nosuch",
            "..%2F..%2Fetc%2Fpasswd",
            "x".repeat(2000),
            "%00",
            "%E2%98%83",
            "a%20b",
            "%25",
            modelId + "%0D%0AX-Injected:%201",
            "identity/versions/0",
            "identity/versions/-1",
            "identity/versions/99999999999999999999",
            "identity/versions/x",
            modelId + "/versions/2");
    String good =
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 2], \"datatype\": \"FP32\","
            + " \"data\": [1, 2]}]}";
    for (String name : names) {
      for (String suffix : List.of("", "/ready")) {
        HttpResponse<String> r = send("GET", "/v2/models/" + name + suffix, null, null);
        v2Clean("GET " + name + suffix, r);
        assertThat(r.statusCode()).as(name + " " + r.body()).isBetween(400, 499);
      }
      HttpResponse<String> r =
          send(
              "POST",
              "/v2/models/" + name + "/infer",
              "application/json",
              good.getBytes(StandardCharsets.UTF_8));
      v2Clean("infer " + name, r);
      assertThat(r.statusCode()).as(name + " " + r.body()).isBetween(400, 499);
    }
    List<String> bodies =
        List.of(
            "",
            "{",
            "null",
            "[]",
            "{\"inputs\": 1}",
            "{\"inputs\": [{}]}",
            "{\"inputs\": [{\"name\": \"x\", \"shape\": [10000000000, 2], \"datatype\": \"FP32\","
                + " \"data\": [1, 2]}]}",
            "{\"inputs\": [{\"name\": \"x\", \"shape\": [-1, 2], \"datatype\": \"FP32\","
                + " \"data\": [1, 2]}]}",
            "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 3], \"datatype\": \"FP32\","
                + " \"data\": [1, 2, 3]}]}",
            "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 2], \"datatype\": \"FP32\","
                + " \"data\": [\"a\", {}]}]}",
            "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 2], \"datatype\": \"INT64\","
                + " \"data\": [1, 2]}]}",
            "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 2], \"datatype\": \"NOPE\","
                + " \"data\": [1, 2]}]}",
            "{\"inputs\": [{\"name\": \"nope\", \"shape\": [1, 2], \"datatype\": \"FP32\","
                + " \"data\": [1, 2]}]}",
            "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 2], \"datatype\": \"FP32\","
                + " \"data\": [1, 2]}], \"outputs\": [{\"name\": \"nope\"}]}",
            "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 2], \"datatype\": \"FP32\","
                + " \"parameters\": {\"binary_data_size\": 999999}}]}");
    for (String body : bodies) {
      HttpResponse<String> r =
          send(
              "POST",
              "/v2/models/" + modelId + "/infer",
              "application/json",
              body.getBytes(StandardCharsets.UTF_8));
      v2Clean("infer body " + body, r);
      assertThat(r.statusCode()).as(body + " " + r.body()).isBetween(400, 499);
    }
    // the binary extension with a header length that does not fit the body
    for (String length : List.of("999999", "-5", "abc", "0", "3")) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + "/v2/models/" + modelId + "/infer"))
              .timeout(Duration.ofSeconds(60))
              .header("X-Cairn-Request", "1")
              .header("Content-Type", "application/octet-stream")
              .header(OpenInferenceRoutes.HEADER_LENGTH, length)
              .POST(HttpRequest.BodyPublishers.ofString(good + "\u0001\u0002"));
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      v2Clean("binary header " + length, r);
      assertThat(r.statusCode()).as(length + " " + r.body()).isBetween(400, 499);
    }
  }

  /**
   * A registered model whose file is gone from the data directory: ONNX Runtime's own message names
   * the file's full path, which the answer must not show.
   */
  @Test
  @Timeout(120)
  void openInferenceOnAModelWhoseFileIsGone() throws Exception {
    byte[] bytes = HostileCorpus.identityModel();
    RegisteredModel gone =
        platform
            .models()
            .register(
                "gone",
                RegisteredModel.Source.IMPORT,
                null,
                bytes,
                OnnxModelInspector.inspect(bytes, "test"));
    try {
      Files.delete(gone.file());
      String body =
          "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 2], \"datatype\": \"FP32\","
              + " \"data\": [1, 2]}]}";
      for (String name : List.of("gone", gone.id())) {
        HttpResponse<String> r =
            send(
                "POST",
                "/v2/models/" + name + "/infer",
                "application/json",
                body.getBytes(StandardCharsets.UTF_8));
        v2Clean("infer on a missing file", r);
        assertThat(r.statusCode()).as(r.body()).isBetween(400, 499);
        assertThat(message(r)).as(r.body()).contains(gone.id());
      }
    } finally {
      assertThat(
              send("DELETE", "/api/models/" + gone.id(), "application/json", new byte[0])
                  .statusCode())
          .isEqualTo(200);
    }
  }

  /** No 500, no stack trace or Java type, no exception name, no server folder. */
  void v2Clean(String what, HttpResponse<String> r) {
    noServerError("v2", what, r);
    count("v2", r.statusCode() >= 400);
    assertThat(r.body())
        .as(what)
        .doesNotContain("/tmp/")
        .doesNotContain(data.toString())
        .doesNotContain(Path.of("").toAbsolutePath().toString())
        .doesNotContain("java.")
        .doesNotContain("Exception");
  }

  // ---- helpers

  /**
   * A 4xx with a JSON message that names the problem, no stack trace, no Java type, no server path.
   */
  void clear4xx(String kind, String what, HttpResponse<String> r) {
    noServerError(kind, what, r);
    assertThat(r.statusCode()).as(kind + " " + what + ": " + r.body()).isBetween(400, 499);
    assertThat(message(r)).as(kind + " " + what).isNotBlank();
    count(kind, true);
  }

  void noServerError(String kind, String what, HttpResponse<String> r) {
    String label = kind + " " + shorten(what) + " -> " + r.statusCode() + " " + shorten(r.body());
    assertThat(r.statusCode()).as(label).isLessThan(500);
    assertThat(LEAK.matcher(r.body()).find()).as("no stack trace or Java type: " + label).isFalse();
    assertThat(r.body()).as(label).doesNotContain(data.toString());
    if (!kind.equals("query")) {
      return;
    }
    count(kind, r.statusCode() >= 400);
  }

  void count(String kind, boolean refused) {
    int[] c = counts.computeIfAbsent(kind, k -> new int[2]);
    c[0]++;
    c[1] += refused ? 1 : 0;
  }

  String describeCounts() {
    StringBuilder s = new StringBuilder();
    counts.forEach(
        (k, v) -> s.append(k).append(' ').append(v[0]).append('/').append(v[1]).append("; "));
    return s.toString();
  }

  static String message(HttpResponse<String> r) {
    try {
      JsonObject json = new JsonObject(r.body());
      Object error = json.getValue("error");
      if (error instanceof JsonObject e) {
        return e.getString("message");
      }
      return error != null ? String.valueOf(error) : json.getString("message");
    } catch (RuntimeException e) {
      return r.body();
    }
  }

  static String shorten(String s) {
    return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  static String concrete(String route, String id) {
    return route.replaceAll(":[a-z]+", id).replace("*", "x");
  }

  HttpResponse<String> send(String method, String path, String type, byte[] body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .header("X-Cairn-Request", "1");
    if (type != null) {
      b.header("Content-Type", type);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A body of unknown length (chunked), as curl -T - sends. */
  HttpResponse<String> sendChunked(String path, byte[] body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Declares {@code declared} bytes, sends {@code sent}, and returns the head of the answer. */
  String rawPost(String path, long declared, int sent) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Cairn-Request: 1\r\n"
                  + "Content-Length: "
                  + declared
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[sent]);
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      StringBuilder answer = new StringBuilder();
      int n;
      while ((n = in.read(buf)) > 0) {
        answer.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        if (answer.indexOf("}") > 0) {
          break;
        }
      }
      return answer.toString();
    }
  }

  /** Declares {@code declared} bytes, sends {@code sent} and hangs up. */
  void rawAbandon(String path, long declared, int sent) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                  + "X-Cairn-Request: 1\r\nContent-Length: "
                  + declared
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[Math.min(sent, (int) declared - 1)]);
      out.flush();
    }
  }

  /**
   * A digest per table of every row of the tables that hold runs, series, media, sweeps and models.
   */
  Map<String, String> checksum() throws Exception {
    return platform.database().read(c -> checksum(c));
  }

  private static Map<String, String> checksum(Connection c) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Statement st = c.createStatement()) {
      for (String table :
          List.of(
              "experiments",
              "runs",
              "params",
              "metric_chunks",
              "run_images",
              "run_histograms",
              "run_texts",
              "run_notes",
              "run_tags",
              "sweeps",
              "sweep_trials",
              "models",
              "run_artifacts")) {
        MessageDigest digest = sha256();
        int rows = 0;
        try (ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY 1, 2")) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            rows++;
            for (int i = 1; i <= columns; i++) {
              String column = rs.getMetaData().getColumnName(i);
              if (!column.equalsIgnoreCase("heartbeat_at")) {
                digest.update((column + "=" + rs.getString(i)).getBytes(StandardCharsets.UTF_8));
              }
            }
          }
        }
        out.put(
            table, rows + " rows " + HexFormat.of().formatHex(digest.digest()).substring(0, 16));
      }
    }
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
