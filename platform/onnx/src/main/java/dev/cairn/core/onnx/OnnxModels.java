package dev.cairn.core.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.cairn.core.onnx.OnnxModelException.Reason;
import dev.cairn.core.plugins.ExtensionKind;
import dev.cairn.core.plugins.PluginRegistry;
import dev.cairn.core.tracking.TrackingStore;
import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.Params;
import dev.cairn.spi.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * ONNX in one place, for the CLI and the REST API: export runs, import files, list and delete
 * models, predict and evaluate through cached ONNX Runtime sessions. Every method blocks (JDBC,
 * DJL, ONNX Runtime): call it from a worker, never an event loop. Close it to close the sessions.
 */
public final class OnnxModels implements AutoCloseable {
  /** Sessions kept open at once; the least recently used one is closed beyond this. */
  public static final int SESSION_CACHE = 16;

  private final ModelCatalog catalog;
  private final RunExporter exporter;
  private final PluginRegistry plugins;
  private final InferenceSessions sessions;
  private final boolean offline;

  /** Models are immutable once registered: predict looks them up here, not in the database. */
  private final ConcurrentHashMap<String, RegisteredModel> known = new ConcurrentHashMap<>();

  /**
   * ONNX support over {@code catalog} (the registered models; null where only files are predicted
   * or evaluated) and {@code store} (the runs exported; null likewise).
   */
  public OnnxModels(
      ModelCatalog catalog,
      TrackingStore store,
      PluginRegistry plugins,
      boolean offline,
      ProviderChoice provider) {
    this.catalog = catalog;
    this.exporter = new RunExporter(store, plugins, catalog, offline);
    this.plugins = plugins;
    this.offline = offline;
    this.sessions = new InferenceSessions(provider, SESSION_CACHE);
  }

  public ModelCatalog catalog() {
    return catalog;
  }

  public InferenceSessions sessions() {
    return sessions;
  }

  public ExportResult exportRun(String runId) {
    return exporter.export(runId);
  }

  /**
   * Registers any ONNX file: it must parse as a model and load in ONNX Runtime (CPU), else an
   * {@link OnnxModelException} INVALID_MODEL says why and nothing is stored.
   */
  public RegisteredModel importBytes(byte[] bytes, String name, String what) {
    ModelSignature signature = OnnxModelInspector.inspect(bytes, what);
    String provider = signature.metadata().get(OnnxMetadata.EXECUTION_PROVIDER);
    if (provider != null && !provider.trim().toLowerCase(Locale.ROOT).matches("auto|cpu|cuda")) {
      throw new OnnxModelException(
          Reason.INVALID_MODEL,
          what
              + ": metadata "
              + OnnxMetadata.EXECUTION_PROVIDER
              + " is '"
              + provider
              + "'; one of: auto, cpu, cuda");
    }
    checkLoads(bytes, what);
    return catalog.register(name, RegisteredModel.Source.IMPORT, null, bytes, signature);
  }

  public RegisteredModel importFile(Path file, String name) {
    if (!Files.isRegularFile(file)) {
      throw new OnnxModelException(Reason.NOT_FOUND, "no file " + file);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new OnnxModelException(
          Reason.NOT_FOUND, "cannot read " + file + ": " + e.getMessage(), e);
    }
    String fileName = file.getFileName().toString();
    return importBytes(
        bytes, name != null ? name : fileName.replaceFirst("(?i)\\.onnx$", ""), fileName);
  }

  /**
   * Loads the bytes in a throw-away CPU session: the check that it is a model ONNX Runtime runs.
   */
  private static void checkLoads(byte[] bytes, String what) {
    var env = OrtSupport.environment();
    try (var options = new OrtSession.SessionOptions();
        var session = env.createSession(bytes, options)) {
      session.getNumInputs();
    } catch (OrtException e) {
      throw new OnnxModelException(
          Reason.INVALID_MODEL,
          "ONNX Runtime cannot load " + what + ": " + ExecutionProviders.firstLine(e.getMessage()),
          e);
    }
  }

  public Optional<RegisteredModel> find(String id) {
    RegisteredModel cached = known.get(id);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<RegisteredModel> found = catalog.find(id);
    found.ifPresent(m -> known.put(id, m));
    return found;
  }

  public RegisteredModel require(String id) {
    return find(id)
        .orElseThrow(
            () ->
                new OnnxModelException(
                    Reason.NOT_FOUND,
                    "no model with id '"
                        + id
                        + "'; GET /api/models lists them, `cairn import FILE` or `cairn export RUN` adds one"));
  }

  /** Newest first: at most {@code limit} (1..1000) after skipping {@code offset}. */
  public List<RegisteredModel> list(int limit, int offset) {
    return catalog.list(limit, offset);
  }

  /** Closes the model's session and deletes it; false when there was none. */
  public boolean delete(String id) {
    known.remove(id);
    sessions.invalidate(id);
    return catalog.delete(id);
  }

  /** A model file that is not registered (e.g. {@code cairn predict some.onnx}). */
  public static LoadedModel loadFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new OnnxModelException(Reason.NOT_FOUND, "no file " + file);
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      return new LoadedModel(
          file.toAbsolutePath().normalize().toString(),
          file,
          OnnxModelInspector.inspect(bytes, file.getFileName().toString()),
          "file " + file.getFileName());
    } catch (IOException e) {
      throw new OnnxModelException(
          Reason.NOT_FOUND, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public Prediction predict(LoadedModel model, Map<String, TensorData> inputs) {
    return predict(model, inputs, null);
  }

  /**
   * As {@link #predict(LoadedModel, Map)} on {@code provider}; null = the model's own choice (its
   * metadata {@value OnnxMetadata#EXECUTION_PROVIDER}), else the server's.
   */
  public Prediction predict(
      LoadedModel model, Map<String, TensorData> inputs, ProviderChoice provider) {
    ProviderChoice use = provider != null ? provider : modelProvider(model.signature());
    InferenceSessions.Lease acquired;
    try {
      acquired = sessions.acquire(model.key(), model.file(), use);
    } catch (OnnxModelException e) {
      if (provider == null && use != null && e.reason() == Reason.PROVIDER_UNAVAILABLE) {
        throw new OnnxModelException(
            Reason.PROVIDER_UNAVAILABLE,
            e.getMessage()
                + "; "
                + model.label()
                + " asks for it in its metadata ("
                + OnnxMetadata.EXECUTION_PROVIDER
                + "), which a request's provider overrides",
            e);
      }
      throw e;
    }
    try (InferenceSessions.Lease lease = acquired) {
      return OnnxPredictor.predict(lease, model.signature(), inputs);
    }
  }

  /**
   * The provider a model's metadata asks for, or null; a value that is not one is refused at
   * import.
   */
  static ProviderChoice modelProvider(ModelSignature signature) {
    String raw = signature.metadata().get(OnnxMetadata.EXECUTION_PROVIDER);
    return raw == null ? null : ProviderChoice.parse(raw);
  }

  /** Predicts from a JSON body or file (see {@link TensorJson#parseRequest}). */
  public Prediction predictJson(LoadedModel model, String json) {
    return predictJson(model, json, null);
  }

  /**
   * As {@link #predictJson(LoadedModel, String)} on {@code provider} (null = the server's choice).
   */
  public Prediction predictJson(LoadedModel model, String json, ProviderChoice provider) {
    String first = model.signature().inputs().get(0).name();
    Map<String, TensorData> inputs = new LinkedHashMap<>();
    Function<String, TensorSpec> spec =
        name ->
            model
                .signature()
                .input(name)
                .orElseThrow(
                    () ->
                        new OnnxModelException(
                            Reason.BAD_INPUT,
                            "the model has no input '"
                                + name
                                + "'; it takes "
                                + model.signature().inputs()));
    TensorJson.parseRequest(json, first, name -> spec.apply(name).type())
        .forEach((name, parsed) -> inputs.put(name, InputAdapter.fit(spec.apply(name), parsed)));
    return predict(model, inputs, provider);
  }

  /** Predicts one image (PNG, JPEG, GIF, BMP) with an image model. */
  public Prediction predictImage(LoadedModel model, byte[] image) {
    ModelSignature sig = model.signature();
    if (sig.inputs().size() != 1) {
      throw new OnnxModelException(
          Reason.BAD_INPUT,
          model.label()
              + " takes "
              + sig.inputs().size()
              + " inputs; images can be sent to single-input models only");
    }
    TensorSpec input = sig.inputs().get(0);
    return predict(model, Map.of(input.name(), ImageTensors.fromImage(image, input, sig)));
  }

  /**
   * Evaluates a model on a dataset plugin's split.
   *
   * @param split test, validation or train; null = test if the dataset has one, else validation,
   *     else train
   * @param seed seed for datasets that generate their data; null = the seed of the run that made
   *     the model (from its metadata), else 42
   */
  public Evaluation evaluate(
      LoadedModel model,
      String datasetId,
      Map<String, Object> datasetParams,
      String split,
      int batchSize,
      Path dataDir,
      Long seed) {
    if (batchSize < 1) {
      throw new OnnxModelException(
          Reason.BAD_INPUT,
          "batch size " + batchSize + " is not allowed; expected an integer >= 1");
    }
    DatasetProvider dataset = plugins.require(ExtensionKind.DATASET, datasetId);
    Params params = Params.validate("dataset", dataset.params(), datasetParams);
    DatasetSplits splits;
    try {
      long dataSeed =
          seed != null ? seed : parseSeed(model.signature().metadata().get(OnnxMetadata.SEED));
      splits = dataset.load(params, new DatasetContext(dataDir, dataSeed, offline));
    } catch (IOException e) {
      throw new OnnxModelException(
          Reason.BAD_INPUT, "dataset '" + datasetId + "' did not load: " + e.getMessage(), e);
    }
    String chosen =
        split != null
            ? split
            : splits.test() != null ? "test" : splits.validation() != null ? "validation" : "train";
    Split data =
        switch (chosen) {
          case "test" -> splits.test();
          case "validation" -> splits.validation();
          case "train" -> splits.train();
          default ->
              throw new OnnxModelException(
                  Reason.BAD_INPUT,
                  "split '" + chosen + "' is not allowed; one of: test, validation, train");
        };
    if (data == null) {
      throw new OnnxModelException(
          Reason.BAD_INPUT, "dataset '" + datasetId + "' has no " + chosen + " split");
    }
    try (InferenceSessions.Lease lease = sessions.acquire(model.key(), model.file())) {
      return OnnxEvaluator.evaluate(
          lease, model, datasetId, chosen, data, splits.info(), batchSize);
    }
  }

  private static long parseSeed(String raw) {
    try {
      return raw == null ? 42 : Long.parseLong(raw);
    } catch (NumberFormatException e) {
      return 42;
    }
  }

  @Override
  public void close() {
    sessions.close();
  }
}
