package dev.cairn.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.core.tracking.NewRun;
import dev.cairn.core.training.TrainedModelInfo;
import dev.cairn.core.training.TrainingRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Export of real training runs of every built-in model: artifact, registered model, round trip. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunExportTest {
  @TempDir static Path dataDir;
  private TrainedRuns runs;

  @BeforeAll
  void open() {
    runs = new TrainedRuns(dataDir);
  }

  @AfterAll
  void close() {
    runs.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "{plugin: mlp, hidden: [8], activation: tanh}",
        "{plugin: mlp, hidden: [16, 8], activation: gelu, batchNorm: true, dropout: 0.2}",
        "{plugin: mlp, hidden: [8], activation: leaky-relu, batchNorm: true}",
        "{plugin: mlp, hidden: [8], activation: swish, dropout: 0.1}",
        "{plugin: mlp, hidden: [8], activation: softplus}",
        "{plugin: mlp, hidden: [8], activation: elu}",
        "{plugin: mlp, hidden: [8], activation: sigmoid}",
        "{plugin: mlp, hidden: [8], activation: relu}",
        "{plugin: softmax-regression}",
        "{plugin: linear}"
      })
  void everyBuiltInClassifierExportsVerifiedAndReproducibly(String model) throws Exception {
    String runId = runs.train(TrainedRuns.xorSpec(model));
    ExportResult first = runs.models.exportRun(runId);
    assertThat(first.verification().maxAbsDiff()).isLessThanOrEqualTo(1e-4);
    assertThat(first.reused()).isFalse();
    assertThat(first.artifact().file())
        .exists()
        .isEqualTo(
            TrainingRunner.Environment.runDir(dataDir, runId).resolve("artifacts/model.onnx"));
    assertThat(first.model().runId()).isEqualTo(runId);
    assertThat(first.model().signature().classLabels()).hasSize(2);

    ExportResult again = runs.models.exportRun(runId);
    assertThat(again.reused()).isTrue();
    assertThat(again.model().id()).isEqualTo(first.model().id());
    assertThat(Files.readAllBytes(again.artifact().file()))
        .isEqualTo(Files.readAllBytes(first.model().file()));
    assertThat(runs.models.catalog().artifacts(runId, ModelCatalog.MAX_PAGE, 0))
        .singleElement()
        .satisfies(a -> assertThat(a.details()).containsEntry("modelId", first.model().id()));
  }

  @Test
  void exportCarriesProvenanceAndPredictsTheTrainedFunction() throws Exception {
    String runId =
        runs.train(TrainedRuns.xorSpec("{plugin: mlp, hidden: [8], activation: tanh}", 40));
    ExportResult export = runs.models.exportRun(runId);
    OnnxMl.ModelProto proto =
        OnnxMl.ModelProto.parseFrom(Files.readAllBytes(export.artifact().file()));
    Map<String, String> meta = export.model().signature().metadata();
    assertThat(meta)
        .containsEntry(OnnxMetadata.RUN_ID, runId)
        .containsEntry(OnnxMetadata.MODEL_PLUGIN, "mlp")
        .containsEntry(OnnxMetadata.DATASET_PLUGIN, "xor")
        .containsEntry(OnnxMetadata.TASK, "classification")
        .containsEntry(OnnxMetadata.INPUT_SHAPE, "[2]")
        .containsKey(OnnxMetadata.SPEC_SHA256)
        .containsKey(OnnxMetadata.PROVENANCE + "cairn.version");
    assertThat(proto.getProducerName()).isEqualTo("cairn");
    assertThat(proto.getIrVersion()).isEqualTo(8);

    LoadedModel model = LoadedModel.of(export.model());
    Prediction p = runs.models.predictJson(model, "[[0,0],[0,1],[1,0],[1,1]]");
    assertThat(p.classes()).extracting(Prediction.ClassScore::index).containsExactly(0, 1, 1, 0);
    assertThat(p.provider()).isEqualTo("cpu");

    Evaluation e =
        runs.models.evaluate(model, "xor", Map.of("repeat", 1), null, 256, dataDir, null);
    assertThat(e.accuracy()).isEqualTo(1.0);
    assertThat(e.examples()).isEqualTo(4);
  }

  @Test
  void regressionExportEvaluatesLikeTraining() throws Exception {
    String runId = runs.train(TrainedRuns.LINEAR_SPEC);
    ExportResult export = runs.models.exportRun(runId);
    assertThat(export.model().signature().metadata())
        .containsEntry(OnnxMetadata.TASK, "regression")
        .doesNotContainKey(OnnxMetadata.CLASS_LABELS);
    Evaluation e =
        runs.models.evaluate(
            LoadedModel.of(export.model()),
            "synthetic-linear",
            Map.of(),
            "train",
            100,
            dataDir,
            null);
    assertThat(e.loss()).isLessThan(1e-3); // y = Xw + b + N(0, 0.01^2): the course's ~1e-4
    assertThat(e.mse()).isEqualTo(e.loss() * 2);
  }

  @Test
  void runsSavedBeforeTheDescriptionFileStillExport() throws Exception {
    String runId = runs.train(TrainedRuns.xorSpec("{plugin: mlp, hidden: [4]}"));
    Files.delete(
        TrainingRunner.Environment.runDir(dataDir, runId)
            .resolve("model")
            .resolve(TrainedModelInfo.FILE_NAME));
    assertThat(runs.models.exportRun(runId).verification().passed()).isTrue();
  }

  @Test
  void unknownAndUnfinishedRunsAreRefusedWithTheReason() throws Exception {
    assertThatThrownBy(() -> runs.models.exportRun("nosuchrun"))
        .isInstanceOf(OnnxModelException.class)
        .hasMessage("no run with id 'nosuchrun'");
    var spec = SpecParser.parse(TrainedRuns.LINEAR_SPEC, "t");
    String queued =
        runs.store
            .createRun(
                new NewRun(
                    spec.experiment(), spec.name(), spec.text(), "x", 1, "cpu", Map.of(), Map.of()))
            .id();
    assertThatThrownBy(() -> runs.models.exportRun(queued))
        .isInstanceOf(OnnxModelException.class)
        .hasMessageContaining("has no saved model (status QUEUED)")
        .hasMessageContaining("only runs that finished training can be exported");
    assertThat(runs.models.catalog().artifacts(queued, ModelCatalog.MAX_PAGE, 0)).isEmpty();
  }

  @Test
  void modelsAreListedNewestFirstAndDeletedWithTheirFile() throws Exception {
    String runId = runs.train(TrainedRuns.xorSpec("{plugin: softmax-regression}"));
    RegisteredModel model = runs.models.exportRun(runId).model();
    List<RegisteredModel> listed = runs.models.list(100, 0);
    assertThat(listed).extracting(RegisteredModel::id).contains(model.id());
    assertThat(runs.models.list(1, 0)).containsExactly(listed.get(0));
    assertThat(runs.models.list(1, listed.size())).isEmpty();
    assertThat(model.file()).exists();
    assertThat(runs.models.delete(model.id())).isTrue();
    assertThat(model.file()).doesNotExist();
    assertThat(runs.models.find(model.id())).isEmpty();
    assertThat(runs.models.delete(model.id())).isFalse();
  }
}
