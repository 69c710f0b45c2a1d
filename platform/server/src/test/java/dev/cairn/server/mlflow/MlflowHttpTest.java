package dev.cairn.server.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiVerticle;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLflow's REST API over plain HTTP: the error bodies and status codes MLflow uses, its limits
 * (log-batch sizes, key and value lengths, immutable params), and that a rejected batch stores
 * nothing; GET and POST forms, paging, soft delete and restore, and the filter grammar.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MlflowHttpTest {
  @TempDir static Path data;
  Platform platform;
  String base;
  final HttpClient http = HttpClient.newHttpClient();

  record Answer(int status, JsonObject json) {}

  @BeforeAll
  void start() throws Exception {
    platform = Platform.start(new CairnOptions(data, null, null, true));
    ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0);
    platform
        .vertx()
        .deployVerticle(api)
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + api.actualPort() + "/api/2.0/mlflow/";
  }

  @AfterAll
  void stop() {
    platform.close();
  }

  Answer send(String method, String path, JsonObject body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json");
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(
        r.statusCode(), r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body()));
  }

  Answer post(String path, JsonObject body) throws Exception {
    return send("POST", path, body);
  }

  Answer get(String pathAndQuery) throws Exception {
    return send("GET", pathAndQuery, null);
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  void assertError(Answer a, int status, String code, String... mentions) {
    assertThat(a.status()).as(a.json().encode()).isEqualTo(status);
    assertThat(a.json().getString("error_code")).as(a.json().encode()).isEqualTo(code);
    assertThat(a.json().getString("message")).contains(mentions);
  }

  String newRun(String experimentId, String name) throws Exception {
    Answer a =
        post(
            "runs/create",
            new JsonObject()
                .put("experiment_id", experimentId)
                .put("run_name", name)
                .put("start_time", System.currentTimeMillis()));
    assertThat(a.status()).as(a.json().encode()).isEqualTo(200);
    return a.json().getJsonObject("run").getJsonObject("info").getString("run_id");
  }

  static JsonObject metric(String key, double value, long step) {
    return new JsonObject()
        .put("key", key)
        .put("value", value)
        .put("timestamp", 1_000 + step)
        .put("step", step);
  }

  static JsonArray metrics(int n) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < n; i++) {
      a.add(metric("m", i, i));
    }
    return a;
  }

  static JsonArray pairs(String prefix, int n) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < n; i++) {
      a.add(new JsonObject().put("key", prefix + i).put("value", "v"));
    }
    return a;
  }

  @Test
  void limitsAndErrorsAreMlflows() throws Exception {
    String id = newRun("0", "limits");
    JsonObject batch = new JsonObject().put("run_id", id);
    assertError(
        post("runs/log-batch", batch.copy().put("metrics", metrics(1001))),
        400,
        "INVALID_PARAMETER_VALUE",
        "at most 1000 metrics",
        "Got 1001");
    assertError(
        post("runs/log-batch", batch.copy().put("params", pairs("p", 101))),
        400,
        "INVALID_PARAMETER_VALUE",
        "at most 100 params");
    assertError(
        post("runs/log-batch", batch.copy().put("tags", pairs("t", 101))),
        400,
        "INVALID_PARAMETER_VALUE",
        "at most 100 tags");
    assertError(
        post(
            "runs/log-batch",
            batch
                .copy()
                .put("metrics", metrics(900))
                .put("params", pairs("p", 100))
                .put("tags", pairs("t", 1))),
        400,
        "INVALID_PARAMETER_VALUE",
        "at most 1000",
        "in total");
    JsonArray oneBad = metrics(10);
    oneBad.add(
        new JsonObject()
            .put("key", "m")
            .put("value", "not a number")
            .put("timestamp", 1)
            .put("step", 11));
    assertError(
        post("runs/log-batch", batch.copy().put("metrics", oneBad)),
        400,
        "INVALID_PARAMETER_VALUE",
        "metrics[10].value");
    // none of the rejected batches stored a point
    assertThat(platform.store().series(id)).isEmpty();
    assertThat(platform.store().params(id)).isEmpty();

    assertError(
        post(
            "runs/log-metric",
            new JsonObject()
                .put("run_id", id)
                .put("key", "k".repeat(251))
                .put("value", 1)
                .put("timestamp", 1)),
        400,
        "INVALID_PARAMETER_VALUE",
        "'key'",
        "250");
    assertError(
        post(
            "runs/log-parameter",
            new JsonObject().put("run_id", id).put("key", "big").put("value", "v".repeat(6001))),
        400,
        "INVALID_PARAMETER_VALUE",
        "'value'",
        "6000");
    assertError(
        post(
            "runs/set-tag",
            new JsonObject().put("run_id", id).put("key", "big").put("value", "v".repeat(8001))),
        400,
        "INVALID_PARAMETER_VALUE",
        "'value'",
        "8000");
    assertError(
        post("runs/log-metric", new JsonObject().put("run_id", id).put("key", "k").put("value", 1)),
        400,
        "INVALID_PARAMETER_VALUE",
        "timestamp");
    assertThat(
            post(
                    "runs/log-parameter",
                    new JsonObject().put("run_id", id).put("key", "lr").put("value", "0.1"))
                .status())
        .isEqualTo(200);
    assertError(
        post(
            "runs/log-parameter",
            new JsonObject().put("run_id", id).put("key", "lr").put("value", "0.2")),
        400,
        "INVALID_PARAMETER_VALUE",
        "Changing param values is not allowed",
        "lr");
    assertThat(platform.store().params(id)).containsEntry("lr", "0.1");
    assertError(
        post(
            "runs/log-batch",
            batch
                .copy()
                .put(
                    "params",
                    new JsonArray().add(new JsonObject().put("key", "lr").put("value", "3")))),
        400,
        "INVALID_PARAMETER_VALUE",
        "lr");

    assertError(get("runs/get?run_id=nosuchrun"), 404, "RESOURCE_DOES_NOT_EXIST", "nosuchrun");
    assertError(
        post(
            "runs/log-metric",
            new JsonObject()
                .put("run_id", "nosuchrun")
                .put("key", "k")
                .put("value", 1)
                .put("timestamp", 1)),
        404,
        "RESOURCE_DOES_NOT_EXIST",
        "nosuchrun");
    assertError(
        get("experiments/get?experiment_id=99999"), 404, "RESOURCE_DOES_NOT_EXIST", "99999");
    assertError(get("experiments/get"), 400, "INVALID_PARAMETER_VALUE", "experiment_id");
    assertError(
        get("experiments/get?experiment_id=abc"), 400, "INVALID_PARAMETER_VALUE", "experiment_id");
    assertError(
        get("experiments/get-by-name?experiment_name=nope"),
        404,
        "RESOURCE_DOES_NOT_EXIST",
        "nope");
    assertThat(post("experiments/create", new JsonObject().put("name", "twice")).status())
        .isEqualTo(200);
    assertError(
        post("experiments/create", new JsonObject().put("name", "twice")),
        400,
        "RESOURCE_ALREADY_EXISTS",
        "twice");
    assertError(
        post("experiments/create", new JsonObject()), 400, "INVALID_PARAMETER_VALUE", "'name'");
    assertError(
        post("runs/create", new JsonObject()), 400, "INVALID_PARAMETER_VALUE", "'experiment_id'");
    assertError(
        post(
            "runs/search",
            new JsonObject()
                .put("experiment_ids", new JsonArray().add("0"))
                .put("filter", "metrics.acc > 'high'")),
        400,
        "INVALID_PARAMETER_VALUE",
        "numeric");
    assertError(
        post(
            "runs/search",
            new JsonObject()
                .put("experiment_ids", new JsonArray().add("0"))
                .put("filter", "params.lr = '1' OR params.lr = '2'")),
        400,
        "INVALID_PARAMETER_VALUE",
        "OR");
    assertError(
        post(
            "runs/search",
            new JsonObject()
                .put("experiment_ids", new JsonArray().add("0"))
                .put("filter", "bogus.lr = '1'")),
        400,
        "INVALID_PARAMETER_VALUE",
        "bogus");
    assertError(
        post(
            "runs/search",
            new JsonObject()
                .put("experiment_ids", new JsonArray().add("0"))
                .put("order_by", new JsonArray().add("metrics.acc SIDEWAYS"))),
        400,
        "INVALID_PARAMETER_VALUE",
        "ASC or DESC");
    assertError(
        post("runs/update", new JsonObject().put("run_id", id).put("status", "DONE")),
        400,
        "INVALID_PARAMETER_VALUE",
        "status");
    assertError(
        post("runs/delete-tag", new JsonObject().put("run_id", id).put("key", "absent")),
        404,
        "RESOURCE_DOES_NOT_EXIST",
        "absent");
    assertError(
        post("registered-models/create", new JsonObject()),
        400,
        "INVALID_PARAMETER_VALUE",
        "'name'");
    assertError(get("registered-models/get?name=ghost"), 404, "RESOURCE_DOES_NOT_EXIST", "ghost");
    assertError(
        post(
            "model-versions/create", new JsonObject().put("name", "ghost").put("source", "s3://x")),
        404,
        "RESOURCE_DOES_NOT_EXIST",
        "ghost");
    assertError(get("nosuch/endpoint"), 404, "ENDPOINT_NOT_FOUND", "nosuch/endpoint");
    HttpResponse<String> notJson =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "runs/create"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(notJson.body()).getString("error_code"))
        .isEqualTo("INVALID_PARAMETER_VALUE");
  }

  @Test
  void searchPagingDeleteAndRestore() throws Exception {
    String experimentId =
        post("experiments/create", new JsonObject().put("name", "search-http"))
            .json()
            .getString("experiment_id");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String id = newRun(experimentId, "run-" + i);
      ids.add(id);
      JsonObject batch =
          new JsonObject()
              .put("run_id", id)
              .put(
                  "metrics",
                  new JsonArray()
                      .add(metric("acc", i / 10.0, 0))
                      .add(metric("acc", i / 10.0 + 0.01, 1)))
              .put(
                  "params",
                  new JsonArray()
                      .add(new JsonObject().put("key", "depth").put("value", Integer.toString(i))))
              .put(
                  "tags",
                  new JsonArray()
                      .add(
                          new JsonObject()
                              .put("key", "kind")
                              .put("value", i % 2 == 0 ? "even" : "odd")));
      assertThat(post("runs/log-batch", batch).status()).isEqualTo(200);
    }
    // GET and POST forms of experiments/search
    assertThat(
            get("experiments/search?filter=" + q("name = 'search-http'"))
                .json()
                .getJsonArray("experiments"))
        .hasSize(1);
    assertThat(
            post("experiments/search", new JsonObject().put("filter", "name = 'search-http'"))
                .json()
                .getJsonArray("experiments"))
        .hasSize(1);

    JsonObject search = new JsonObject().put("experiment_ids", new JsonArray().add(experimentId));
    assertThat(
            runIds(
                post(
                    "runs/search",
                    search.copy().put("filter", "metrics.acc >= 0.21 and tags.kind = 'even'"))))
        .containsExactly(ids.get(4), ids.get(2));
    assertThat(
            runIds(
                post(
                    "runs/search",
                    search
                        .copy()
                        .put("filter", "params.depth IN ('1', '3')")
                        .put("order_by", new JsonArray().add("params.depth DESC")))))
        .containsExactly(ids.get(3), ids.get(1));
    assertThat(
            runIds(
                post(
                    "runs/search",
                    search
                        .copy()
                        .put("filter", "attributes.run_name ILIKE 'RUN-_'")
                        .put("order_by", new JsonArray().add("metrics.acc")))))
        .containsExactlyElementsOf(ids);
    assertThat(
            runIds(
                post(
                    "runs/search",
                    search.copy().put("filter", "attributes.run_id IN ('" + ids.get(0) + "')"))))
        .containsExactly(ids.get(0));

    // paging: two at a time, in order, then no token
    List<String> paged = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      JsonObject page =
          search
              .copy()
              .put("max_results", 2)
              .put("order_by", new JsonArray().add("attributes.run_name ASC"));
      if (token != null) {
        page.put("page_token", token);
      }
      JsonObject answer = post("runs/search", page).json();
      paged.addAll(runIds(new Answer(200, answer)));
      token = answer.getString("next_page_token");
      pages++;
    } while (token != null);
    assertThat(paged).containsExactlyElementsOf(ids);
    assertThat(pages).isEqualTo(3);

    // metric history with paging (GET form)
    String id = ids.get(4);
    JsonObject first =
        get("metrics/get-history?run_id=" + id + "&metric_key=acc&max_results=1").json();
    assertThat(first.getJsonArray("metrics")).hasSize(1);
    JsonObject second =
        get("metrics/get-history?run_id="
                + id
                + "&metric_key=acc&max_results=1&page_token="
                + q(first.getString("next_page_token")))
            .json();
    assertThat(second.getJsonArray("metrics").getJsonObject(0).getLong("step")).isEqualTo(1L);
    assertThat(second.getJsonArray("metrics").getJsonObject(0).getDouble("value"))
        .isEqualTo(4 / 10.0 + 0.01);
    assertThat(second.getString("next_page_token")).isNull();
    JsonArray bulk =
        get("metrics/get-history-bulk-interval?run_ids="
                + ids.get(0)
                + "&run_ids="
                + id
                + "&metric_key=acc")
            .json()
            .getJsonArray("metrics");
    assertThat(bulk).hasSize(4);
    assertThat(bulk.getJsonObject(3).getString("run_id")).isEqualTo(id);

    // soft delete: hidden from ACTIVE_ONLY, writes refused, restored
    assertThat(post("runs/delete", new JsonObject().put("run_id", id)).status()).isEqualTo(200);
    assertThat(runIds(post("runs/search", search))).hasSize(4).doesNotContain(id);
    assertThat(runIds(post("runs/search", search.copy().put("run_view_type", "DELETED_ONLY"))))
        .containsExactly(id);
    assertThat(
            get("runs/get?run_id=" + id)
                .json()
                .getJsonObject("run")
                .getJsonObject("info")
                .getString("lifecycle_stage"))
        .isEqualTo("deleted");
    assertError(
        post(
            "runs/log-metric",
            new JsonObject()
                .put("run_id", id)
                .put("key", "acc")
                .put("value", 1)
                .put("timestamp", 5)
                .put("step", 9)),
        400,
        "INVALID_PARAMETER_VALUE",
        "active");
    assertThat(post("runs/restore", new JsonObject().put("run_id", id)).status()).isEqualTo(200);
    assertThat(runIds(post("runs/search", search))).hasSize(5);

    // deleting the experiment deletes its runs for MLflow; restoring brings them back
    assertThat(
            post("experiments/delete", new JsonObject().put("experiment_id", experimentId))
                .status())
        .isEqualTo(200);
    assertThat(
            get("experiments/get?experiment_id=" + experimentId)
                .json()
                .getJsonObject("experiment")
                .getString("lifecycle_stage"))
        .isEqualTo("deleted");
    assertThat(runIds(post("runs/search", search))).isEmpty();
    assertError(
        post("runs/create", new JsonObject().put("experiment_id", experimentId)),
        400,
        "INVALID_PARAMETER_VALUE",
        "active");
    assertThat(
            post("experiments/restore", new JsonObject().put("experiment_id", experimentId))
                .status())
        .isEqualTo(200);
    assertThat(runIds(post("runs/search", search))).hasSize(5);
    // renames reach the store's run-change listeners (the dashboard's run list) at once
    List<String> heard = new CopyOnWriteArrayList<>();
    platform.store().onRunChanged(heard::add);
    assertThat(
            post(
                    "experiments/update",
                    new JsonObject().put("experiment_id", experimentId).put("new_name", "renamed"))
                .status())
        .isEqualTo(200);
    assertThat(platform.store().getRun(id).orElseThrow().experiment()).isEqualTo("renamed");
    assertThat(heard).contains(id);
    heard.clear();
    assertThat(
            post("runs/update", new JsonObject().put("run_id", id).put("run_name", "first-name"))
                .json()
                .getJsonObject("run_info")
                .getString("run_name"))
        .isEqualTo("first-name");
    assertThat(heard).contains(id);

    // update-run: a name and an end status; Cairn keeps the first end
    JsonObject info =
        post(
                "runs/update",
                new JsonObject()
                    .put("run_id", id)
                    .put("status", "KILLED")
                    .put("run_name", "renamed-run"))
            .json()
            .getJsonObject("run_info");
    assertThat(info.getString("status")).isEqualTo("KILLED");
    assertThat(info.getString("run_name")).isEqualTo("renamed-run");
    assertThat(platform.store().getRun(id).orElseThrow().name()).isEqualTo("renamed-run");
    assertError(
        post("runs/update", new JsonObject().put("run_id", id).put("status", "FINISHED")),
        400,
        "INVALID_PARAMETER_VALUE",
        "KILLED");
    assertThat(
            post("runs/update", new JsonObject().put("run_id", id).put("status", "RUNNING"))
                .json()
                .getJsonObject("run_info")
                .getString("status"))
        .isEqualTo("RUNNING");

    // log-inputs are kept with the run
    JsonObject dataset =
        new JsonObject()
            .put("name", "fashion")
            .put("digest", "abc123")
            .put("source_type", "local")
            .put("source", "{\"uri\": \"/data\"}");
    assertThat(
            post(
                    "runs/log-inputs",
                    new JsonObject()
                        .put("run_id", id)
                        .put(
                            "datasets",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("dataset", dataset)
                                        .put(
                                            "tags",
                                            new JsonArray()
                                                .add(
                                                    new JsonObject()
                                                        .put("key", "mlflow.data.context")
                                                        .put("value", "train"))))))
                .status())
        .isEqualTo(200);
    JsonArray inputs =
        get("runs/get?run_id=" + id)
            .json()
            .getJsonObject("run")
            .getJsonObject("inputs")
            .getJsonArray("dataset_inputs");
    assertThat(inputs).hasSize(1);
    assertThat(inputs.getJsonObject(0).getJsonObject("dataset").getString("digest"))
        .isEqualTo("abc123");
    JsonObject mlmodel =
        new JsonObject()
            .put("artifact_path", "model")
            .put("flavors", new JsonObject().put("onnx", new JsonObject()));
    assertThat(
            post(
                    "runs/log-model",
                    new JsonObject().put("run_id", id).put("model_json", mlmodel.encode()))
                .status())
        .isEqualTo(200);
    assertThat(new JsonArray(tag(id, "mlflow.log-model.history"))).containsExactly(mlmodel);
    assertError(
        post("runs/log-model", new JsonObject().put("run_id", id).put("model_json", "{oops")),
        400,
        "INVALID_PARAMETER_VALUE",
        "model_json");
    assertError(
        post(
            "runs/log-inputs",
            new JsonObject()
                .put("run_id", id)
                .put(
                    "datasets",
                    new JsonArray()
                        .add(new JsonObject().put("dataset", new JsonObject().put("name", "x"))))),
        400,
        "INVALID_PARAMETER_VALUE",
        "digest");
  }

  @Test
  void registryRenameStagesAndAliases() throws Exception {
    String run = newRun("0", "registry");
    assertThat(post("registered-models/create", new JsonObject().put("name", "m")).status())
        .isEqualTo(200);
    assertError(
        post("registered-models/create", new JsonObject().put("name", "m")),
        400,
        "RESOURCE_ALREADY_EXISTS",
        "m");
    for (int i = 0; i < 2; i++) {
      assertThat(
              post(
                      "model-versions/create",
                      new JsonObject()
                          .put("name", "m")
                          .put("source", "runs:/" + run + "/model")
                          .put("run_id", run))
                  .status())
          .isEqualTo(200);
    }
    assertError(
        post(
            "model-versions/create",
            new JsonObject().put("name", "m").put("source", "x").put("run_id", "nosuchrun")),
        400,
        "INVALID_PARAMETER_VALUE",
        "run_id");
    assertThat(
            post(
                    "model-versions/transition-stage",
                    new JsonObject()
                        .put("name", "m")
                        .put("version", "2")
                        .put("stage", "production")
                        .put("archive_existing_versions", true))
                .json()
                .getJsonObject("model_version")
                .getString("current_stage"))
        .isEqualTo("Production");
    assertThat(
            post(
                    "registered-models/alias",
                    new JsonObject().put("name", "m").put("alias", "prod").put("version", "2"))
                .status())
        .isEqualTo(200);
    assertError(
        post(
            "registered-models/alias",
            new JsonObject().put("name", "m").put("alias", "v3").put("version", "2")),
        400,
        "INVALID_PARAMETER_VALUE",
        "v3");
    assertError(
        post(
            "registered-models/alias",
            new JsonObject().put("name", "m").put("alias", "x").put("version", "9")),
        404,
        "RESOURCE_DOES_NOT_EXIST",
        "9");
    JsonObject renamed =
        post("registered-models/rename", new JsonObject().put("name", "m").put("new_name", "m2"))
            .json();
    assertThat(renamed.getJsonObject("registered_model").getString("name")).isEqualTo("m2");
    assertThat(
            get("registered-models/alias?name=m2&alias=prod")
                .json()
                .getJsonObject("model_version")
                .getString("version"))
        .isEqualTo("2");
    assertThat(
            send(
                    "PATCH",
                    "registered-models/update",
                    new JsonObject().put("name", "m2").put("description", "d"))
                .json()
                .getJsonObject("registered_model")
                .getString("description"))
        .isEqualTo("d");
    JsonArray latest =
        post(
                "registered-models/get-latest-versions",
                new JsonObject().put("name", "m2").put("stages", new JsonArray().add("Production")))
            .json()
            .getJsonArray("model_versions");
    assertThat(latest).hasSize(1);
    assertThat(latest.getJsonObject(0).getString("version")).isEqualTo("2");
    // a third version, in stage None: the newest per stage, in MLflow's stage order
    assertThat(
            post(
                    "model-versions/create",
                    new JsonObject()
                        .put("name", "m2")
                        .put("source", "runs:/" + run + "/model")
                        .put("run_id", run))
                .status())
        .isEqualTo(200);
    JsonArray perStage =
        post("registered-models/get-latest-versions", new JsonObject().put("name", "m2"))
            .json()
            .getJsonArray("model_versions");
    assertThat(perStage.stream().map(v -> ((JsonObject) v).getString("version")).toList())
        .containsExactly("3", "2");
    assertThat(
            get("registered-models/get?name=m2")
                .json()
                .getJsonObject("registered_model")
                .getJsonArray("latest_versions")
                .stream()
                .map(v -> ((JsonObject) v).getString("current_stage"))
                .toList())
        .containsExactly("None", "Production");
    assertThat(
            get("registered-models/search?filter=" + q("name LIKE 'm%'"))
                .json()
                .getJsonArray("registered_models"))
        .hasSize(1);
    assertThat(
            send(
                    "DELETE",
                    "registered-models/alias",
                    new JsonObject().put("name", "m2").put("alias", "prod"))
                .status())
        .isEqualTo(200);
    assertError(
        get("registered-models/alias?name=m2&alias=prod"), 404, "RESOURCE_DOES_NOT_EXIST", "prod");
    assertThat(
            send(
                    "DELETE",
                    "model-versions/delete",
                    new JsonObject().put("name", "m2").put("version", "1"))
                .status())
        .isEqualTo(200);
    assertThat(
            get("model-versions/search?filter=" + q("name = 'm2'"))
                .json()
                .getJsonArray("model_versions"))
        .hasSize(2);
    assertThat(
            send("DELETE", "registered-models/delete", new JsonObject().put("name", "m2")).status())
        .isEqualTo(200);
    assertError(get("registered-models/get?name=m2"), 404, "RESOURCE_DOES_NOT_EXIST", "m2");
  }

  String tag(String runId, String key) throws Exception {
    JsonArray tags =
        get("runs/get?run_id=" + runId)
            .json()
            .getJsonObject("run")
            .getJsonObject("data")
            .getJsonArray("tags");
    for (Object o : tags) {
      if (((JsonObject) o).getString("key").equals(key)) {
        return ((JsonObject) o).getString("value");
      }
    }
    return null;
  }

  static List<String> runIds(Answer a) {
    assertThat(a.status()).as(a.json().encode()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    JsonArray runs = a.json().getJsonArray("runs", new JsonArray());
    runs.forEach(r -> out.add(((JsonObject) r).getJsonObject("info").getString("run_id")));
    return out;
  }
}
