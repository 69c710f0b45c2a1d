package dev.cairn.server.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.security.Scope;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiVerticle;
import dev.cairn.server.http.AuthSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * The official MLflow Java client (org.mlflow:mlflow-client 2.17.2) against a real Cairn server on
 * loopback that requires tokens: experiments, runs, params, metrics, log-batch, tags, terminate,
 * search with a filter and order_by, metric history, the model registry with an alias; then the
 * same run read back through Cairn's own API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MlflowClientTest {
  @TempDir static Path data;
  Platform platform;
  String base;
  String writeToken;
  String readToken;
  MlflowClient client;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    platform = Platform.start(new CairnOptions(data, null, null, true));
    writeToken = platform.security().createToken("trainer", Scope.WRITE, null).token();
    readToken = platform.security().createToken("viewer", Scope.READ, null).token();
    ApiVerticle api =
        new ApiVerticle(
            platform, "127.0.0.1", 0, new AuthSettings(true, false, List.of(), 100_000));
    platform
        .vertx()
        .deployVerticle(api)
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + api.actualPort();
    client =
        new MlflowClient(
            new BasicMlflowHostCreds(base, writeToken)); // MLFLOW_TRACKING_TOKEN: Bearer
  }

  @AfterAll
  void stop() {
    client.close();
    platform.close();
  }

  JsonObject cairn(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + readToken)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  @Test
  void trainingScriptThroughTheMlflowClientIsACairnRun() throws Exception {
    // experiments
    assertThat(client.getExperiment("0").getName()).isEqualTo("Default");
    String experimentId = client.createExperiment("mlflow-client-test");
    assertThat(experimentId).matches("\\d+");
    Experiment experiment = client.getExperiment(experimentId);
    assertThat(experiment.getName()).isEqualTo("mlflow-client-test");
    assertThat(experiment.getLifecycleStage()).isEqualTo("active");
    assertThat(client.getExperimentByName("mlflow-client-test").map(Experiment::getExperimentId))
        .hasValue(experimentId);
    assertThat(client.getExperimentByName("no such experiment")).isEmpty();
    assertThat(client.searchExperiments("name LIKE 'mlflow-client-%'").getItems())
        .extracting(Experiment::getExperimentId)
        .containsExactly(experimentId);
    client.setExperimentTag(experimentId, "team", "vision");
    assertThat(client.getExperiment(experimentId).getTagsList())
        .anyMatch(t -> t.getKey().equals("team") && t.getValue().equals("vision"));

    // a run: params, single metrics, a batch, tags, terminate
    RunInfo first =
        client.createRun(
            CreateRun.newBuilder().setExperimentId(experimentId).setRunName("first").build());
    String runId = first.getRunId();
    assertThat(first.getStatus()).isEqualTo(RunStatus.RUNNING);
    assertThat(first.getArtifactUri())
        .isEqualTo("mlflow-artifacts:/" + experimentId + "/" + runId + "/artifacts");
    client.logParam(runId, "lr", "0.1");
    client.logParam(runId, "lr", "0.1"); // the same value again is fine
    long t0 = 1_700_000_000_000L;
    for (int step = 0; step < 5; step++) {
      client.logMetric(runId, "loss", 1.0 / (step + 1), t0 + step, step);
    }
    List<Metric> accuracy = new ArrayList<>();
    for (int step = 0; step < 10; step++) {
      accuracy.add(
          Metric.newBuilder()
              .setKey("acc")
              .setValue(0.5 + step * 0.05)
              .setTimestamp(t0 + 100 + step)
              .setStep(step)
              .build());
    }
    client.logBatch(
        runId,
        accuracy,
        List.of(Param.newBuilder().setKey("optimizer").setValue("sgd").build()),
        List.of(RunTag.newBuilder().setKey("team").setValue("vision").build()));
    client.setTag(runId, "stage", "dev");
    client.setTag(runId, "scratch", "x");
    client.deleteTag(runId, "scratch");
    client.setTerminated(runId, RunStatus.FINISHED);

    assertThatThrownBy(() -> client.logParam(runId, "lr", "0.2"))
        .isInstanceOfSatisfying(
            MlflowHttpException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(400);
              assertThat(e.getBodyMessage()).contains("INVALID_PARAMETER_VALUE").contains("lr");
            });

    Run run = client.getRun(runId);
    assertThat(run.getInfo().getStatus()).isEqualTo(RunStatus.FINISHED);
    assertThat(run.getInfo().getRunName()).isEqualTo("first");
    assertThat(run.getInfo().getEndTime()).isPositive();
    Map<String, String> params = new TreeMap<>();
    run.getData().getParamsList().forEach(p -> params.put(p.getKey(), p.getValue()));
    assertThat(params)
        .containsExactlyEntriesOf(new TreeMap<>(Map.of("lr", "0.1", "optimizer", "sgd")));
    Map<String, String> tags = new TreeMap<>();
    run.getData().getTagsList().forEach(t -> tags.put(t.getKey(), t.getValue()));
    assertThat(tags)
        .containsEntry("team", "vision")
        .containsEntry("stage", "dev")
        .containsEntry("mlflow.runName", "first")
        .doesNotContainKey("scratch");
    Map<String, Metric> latest = new TreeMap<>();
    run.getData().getMetricsList().forEach(m -> latest.put(m.getKey(), m));
    assertThat(latest.get("acc").getValue()).isEqualTo(0.5 + 9 * 0.05);
    assertThat(latest.get("acc").getStep()).isEqualTo(9);
    assertThat(latest.get("acc").getTimestamp()).isEqualTo(t0 + 109);
    assertThat(latest.get("loss").getValue()).isEqualTo(0.2);

    // a second run in the same experiment, for search
    String second =
        client
            .createRun(
                CreateRun.newBuilder().setExperimentId(experimentId).setRunName("second").build())
            .getRunId();
    client.logBatch(
        second,
        List.of(
            Metric.newBuilder().setKey("acc").setValue(0.99).setTimestamp(t0).setStep(0).build(),
            Metric.newBuilder().setKey("loss").setValue(7.0).setTimestamp(t0).setStep(0).build()),
        List.of(Param.newBuilder().setKey("lr").setValue("0.01").build()),
        List.of());
    client.setTerminated(second, RunStatus.FAILED);

    assertThat(client.searchRuns(List.of(experimentId), "params.lr = '0.1' and metrics.loss < 5"))
        .extracting(RunInfo::getRunId)
        .containsExactly(runId);
    assertThat(client.searchRuns(List.of(experimentId), "attributes.status = 'FAILED'"))
        .extracting(RunInfo::getRunId)
        .containsExactly(second);
    assertThat(
            client.searchRuns(
                List.of(experimentId), "tags.team = 'vision' AND attributes.run_name LIKE 'fir%'"))
        .extracting(RunInfo::getRunId)
        .containsExactly(runId);
    assertThat(
            client
                .searchRuns(
                    List.of(experimentId),
                    "",
                    ViewType.ACTIVE_ONLY,
                    10,
                    List.of("metrics.acc DESC"))
                .getItems())
        .extracting(r -> r.getInfo().getRunId())
        .containsExactly(second, runId);
    assertThat(
            client
                .searchRuns(
                    List.of(experimentId), "", ViewType.ACTIVE_ONLY, 10, List.of("params.lr ASC"))
                .getItems())
        .extracting(r -> r.getInfo().getRunId())
        .containsExactly(second, runId);
    var firstPage =
        client.searchRuns(
            List.of(experimentId), "", ViewType.ACTIVE_ONLY, 1, List.of("attributes.run_name ASC"));
    assertThat(firstPage.getItems())
        .extracting(r -> r.getInfo().getRunName())
        .containsExactly("first");
    assertThat(firstPage.hasNextPage()).isTrue();
    assertThat(firstPage.getNextPage().getItems())
        .extracting(r -> r.getInfo().getRunName())
        .containsExactly("second");

    // metric history
    List<Metric> history = client.getMetricHistory(runId, "acc");
    assertThat(history)
        .extracting(Metric::getStep)
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(history)
        .extracting(Metric::getValue)
        .containsExactlyElementsOf(accuracy.stream().map(Metric::getValue).toList());
    assertThat(history)
        .extracting(Metric::getTimestamp)
        .containsExactlyElementsOf(accuracy.stream().map(Metric::getTimestamp).toList());

    // the model registry: a model, a version made by the run, an alias
    client.sendPost(
        "registered-models/create",
        new JsonObject().put("name", "classifier").put("description", "fashion").encode());
    JsonObject created =
        new JsonObject(
            client.sendPost(
                "model-versions/create",
                new JsonObject()
                    .put("name", "classifier")
                    .put("source", "runs:/" + runId + "/model")
                    .encode()));
    assertThat(created.getJsonObject("model_version").getString("version")).isEqualTo("1");
    client.sendPost(
        "registered-models/alias",
        new JsonObject()
            .put("name", "classifier")
            .put("alias", "champion")
            .put("version", "1")
            .encode());
    ModelVersion version = client.getModelVersion("classifier", "1");
    assertThat(version.getRunId()).isEqualTo(runId);
    assertThat(version.getAliasesList()).containsExactly("champion");
    RegisteredModel model = client.getRegisteredModel("classifier");
    assertThat(model.getDescription()).isEqualTo("fashion");
    assertThat(model.getAliasesList())
        .anyMatch(a -> a.getAlias().equals("champion") && a.getVersion().equals("1"));
    assertThat(model.getLatestVersionsList())
        .extracting(ModelVersion::getVersion)
        .containsExactly("1");
    JsonObject byAlias =
        new JsonObject(client.sendGet("registered-models/alias?name=classifier&alias=champion"));
    assertThat(byAlias.getJsonObject("model_version").getString("run_id")).isEqualTo(runId);
    assertThat(client.searchModelVersions("run_id = '" + runId + "'").getItems())
        .extracting(ModelVersion::getName)
        .containsExactly("classifier");
    assertThat(client.getModelVersionDownloadUri("classifier", "1"))
        .isEqualTo("mlflow-artifacts:/" + experimentId + "/" + runId + "/artifacts/model");

    // the same run through Cairn's own API
    JsonObject cairnRun = cairn("/api/runs/" + runId);
    assertThat(cairnRun.getString("status")).isEqualTo("FINISHED");
    assertThat(cairnRun.getString("experiment")).isEqualTo("mlflow-client-test");
    assertThat(cairnRun.getString("name")).isEqualTo("first");
    assertThat(cairnRun.getString("source")).isEqualTo("mlflow");
    assertThat(cairnRun.getString("owner")).isEqualTo("trainer");
    assertThat(cairnRun.getJsonObject("metrics").getDouble("acc"))
        .isEqualTo(latest.get("acc").getValue());
    assertThat(cairnRun.getJsonObject("metrics").getDouble("loss"))
        .isEqualTo(latest.get("loss").getValue());
    assertThat(cairn("/api/runs/" + runId + "/params").getMap())
        .isEqualTo(Map.of("lr", "0.1", "optimizer", "sgd"));
    JsonObject series = cairn("/api/runs/" + runId + "/series?tag=acc&maxPoints=0");
    List<Object> cairnValues = new ArrayList<>();
    series.getJsonArray("values").forEach(cairnValues::add);
    assertThat(cairnValues).hasSize(10);
    for (int i = 0; i < 10; i++) {
      assertThat(((Number) cairnValues.get(i)).doubleValue()).isEqualTo(history.get(i).getValue());
    }
    JsonArray steps = series.getJsonArray("steps");
    assertThat(steps.getLong(9)).isEqualTo(9L);
  }

  @Test
  void basicAuthWithATokenAsPasswordWorksAndScopesHold() throws Exception {
    String id = client.createRun().getRunId(); // experiment 0, "Default"
    try (MlflowClient basic =
        new MlflowClient(new BasicMlflowHostCreds(base, "anyone", writeToken))) {
      basic.logMetric(id, "x", 1.5);
      assertThat(basic.getRun(id).getData().getMetricsList())
          .extracting(Metric::getValue)
          .containsExactly(1.5);
      assertThat(basic.getRun(id).getInfo().getExperimentId()).isEqualTo("0");
    }
    try (MlflowClient reader = new MlflowClient(new BasicMlflowHostCreds(base, readToken))) {
      assertThat(reader.getRun(id).getInfo().getRunId()).isEqualTo(id);
      assertThat(reader.searchRuns(List.of("0"), "")).extracting(RunInfo::getRunId).contains(id);
      assertThatThrownBy(() -> reader.logParam(id, "a", "b"))
          .isInstanceOfSatisfying(
              MlflowHttpException.class, e -> assertThat(e.getStatusCode()).isEqualTo(403));
    }
    try (MlflowClient stranger =
        new MlflowClient(new BasicMlflowHostCreds(base, "cairn_notatoken"))) {
      assertThatThrownBy(() -> stranger.getRun(id))
          .isInstanceOfSatisfying(
              MlflowHttpException.class, e -> assertThat(e.getStatusCode()).isEqualTo(401));
    }
  }
}
