package dev.cairn.core.onnx;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.onnx.proto.OnnxMl;
import dev.cairn.core.onnx.OnnxModelException.Reason;
import dev.cairn.core.plugins.ExtensionKind;
import dev.cairn.core.plugins.InstalledExtension;
import dev.cairn.core.plugins.PluginRegistry;
import dev.cairn.core.spec.ExperimentSpec;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.core.tracking.RunRecord;
import dev.cairn.core.tracking.TrackingStore;
import dev.cairn.core.training.TrainedModelInfo;
import dev.cairn.core.training.TrainedRunLoader;
import dev.cairn.core.training.TrainingRunner;
import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.Params;
import dev.cairn.spi.Task;
import dev.cairn.spi.onnx.OnnxExportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exports a finished run: rebuilds its block from the model plugin, loads the trained parameters
 * from {@code runs/<id>/model}, writes ONNX through the converters, verifies the file against DJL,
 * and keeps it as the run's artifact {@value #ARTIFACT} and as a registered model. A run exported
 * twice gives the same bytes and the same model back. Blocking.
 */
public final class RunExporter {
  public static final String ARTIFACT = "model.onnx";

  private final TrackingStore store;
  private final PluginRegistry plugins;
  private final ModelCatalog catalog;
  private final boolean offline;

  public RunExporter(
      TrackingStore store, PluginRegistry plugins, ModelCatalog catalog, boolean offline) {
    this.store = store;
    this.plugins = plugins;
    this.catalog = catalog;
    this.offline = offline;
  }

  public ExportResult export(String runId) {
    RunRecord run =
        store
            .getRun(runId)
            .orElseThrow(
                () -> new OnnxModelException(Reason.NOT_FOUND, "no run with id '" + runId + "'"));
    Path modelDir = TrainingRunner.Environment.runDir(catalog.dataDir(), runId).resolve("model");
    if (!Files.isDirectory(modelDir)) {
      throw new OnnxModelException(
          Reason.NOT_EXPORTABLE,
          "run '"
              + runId
              + "' has no saved model (status "
              + run.status()
              + (run.message() == null ? "" : ": " + run.message())
              + "); only runs that finished training can be exported");
    }
    ExperimentSpec spec = SpecParser.parse(run.specText(), run.name());
    ModelProvider provider = plugins.require(ExtensionKind.MODEL, spec.model().plugin());
    InstalledExtension installed =
        plugins.find(ExtensionKind.MODEL, spec.model().plugin()).orElseThrow();
    Params params = TrainedRunLoader.modelParams(spec, provider);
    TrainedModelInfo info = info(run, spec, modelDir);
    String origin = "model '" + provider.id() + "' of plugin '" + installed.pluginId() + "'";

    byte[] bytes;
    Verification verification;
    Block block = TrainedRunLoader.block(spec, provider, params, info.datasetInfo());
    Model loaded;
    try {
      loaded = TrainedRunLoader.load(run.name(), block, modelDir);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      throw new OnnxModelException(
          Reason.NOT_EXPORTABLE,
          "the saved parameters of run '"
              + runId
              + "' in "
              + modelDir
              + " do not load into "
              + origin
              + " as installed now (was the plugin changed?): "
              + e.getMessage(),
          e);
    }
    try (Model model = loaded) {
      ExportVerifier.Reference reference =
          ExportVerifier.reference(block, model.getNDManager(), info.inputShape(), run.seed());
      OnnxMl.ModelProto proto =
          OnnxExporter.export(
              block,
              new Shape(reference.inputShape()),
              new Shape(reference.outputShape()),
              ConverterRegistry.forModel(provider.onnxConverters(), origin),
              run.name(),
              OnnxMetadata.forRun(run, info, params),
              description(run, info));
      bytes = proto.toByteArray();
      verification = ExportVerifier.verify(bytes, reference);
    }
    ModelSignature signature =
        OnnxModelInspector.inspect(bytes, "the export of run '" + runId + "'");
    String sha = ModelCatalog.sha256(bytes);
    var existing = catalog.findExport(runId, sha);
    RegisteredModel registered =
        existing.orElseGet(
            () ->
                catalog.register(
                    run.name(), RegisteredModel.Source.EXPORT, runId, bytes, signature));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("format", "onnx");
    details.put("irVersion", OnnxExporter.IR_VERSION);
    details.put("opset", OnnxOperator.OPSET);
    details.put("modelId", registered.id());
    details.put("probeExamples", verification.probeExamples());
    details.put("maxAbsDiff", verification.maxAbsDiff());
    details.put("tolerance", verification.tolerance());
    details.put("relativeTolerance", verification.relativeTolerance());
    RunArtifact artifact = catalog.putArtifact(runId, ARTIFACT, "onnx", bytes, details);
    return new ExportResult(artifact, registered, verification, existing.isPresent());
  }

  private TrainedModelInfo info(RunRecord run, ExperimentSpec spec, Path modelDir) {
    try {
      var saved = TrainedModelInfo.read(modelDir);
      if (saved.isPresent()) {
        return saved.get();
      }
      // runs saved before the description file existed: ask the dataset plugin for the shapes
      DatasetProvider dataset = plugins.require(ExtensionKind.DATASET, spec.dataset().plugin());
      Params dataParams = Params.validate("dataset", dataset.params(), spec.dataset().params());
      var splits =
          dataset.load(dataParams, new DatasetContext(catalog.dataDir(), spec.seed(), offline));
      return TrainedModelInfo.of(
          run.id(),
          run.specHash(),
          spec.model().plugin(),
          spec.dataset().plugin(),
          splits.info(),
          spec.epochs(),
          spec.seed());
    } catch (IOException e) {
      throw new OnnxExportException(
          "cannot tell the input shape of run '" + run.id() + "': " + e.getMessage(), e);
    }
  }

  private static String description(RunRecord run, TrainedModelInfo info) {
    return "Cairn run "
        + run.id()
        + " '"
        + run.name()
        + "' (experiment "
        + run.experiment()
        + "): model '"
        + info.modelPlugin()
        + "' trained "
        + info.epochs()
        + " epochs on dataset '"
        + info.datasetPlugin()
        + "'. Input: a batch of "
        + Arrays.toString(info.inputShape())
        + " examples. Output: "
        + (info.task() == Task.CLASSIFICATION
            ? "one logit per class " + info.classLabels()
            : "the predicted values, shape " + Arrays.toString(info.outputShape()))
        + ".";
  }
}
