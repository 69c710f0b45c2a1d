package dev.cairn.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cairn.core.Provenance;
import dev.cairn.core.onnx.Evaluation;
import dev.cairn.core.onnx.LoadedModel;
import dev.cairn.core.onnx.OnnxJson;
import dev.cairn.core.onnx.OnnxMetadata;
import dev.cairn.core.onnx.OnnxModelException;
import dev.cairn.core.onnx.OnnxModels;
import dev.cairn.core.onnx.ProviderChoice;
import dev.cairn.core.onnx.RegisteredModel;
import dev.cairn.core.plugins.PluginRegistry;
import dev.cairn.core.tracking.SeriesSummary;
import dev.cairn.server.CairnOptions;
import dev.cairn.spi.SpecException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn evaluate MODEL --dataset PLUGIN}: accuracy and loss of a model on a dataset plugin.
 */
@Command(
    name = "evaluate",
    description = {
      "Compute accuracy and loss of an ONNX model (registered id or .onnx file) on a dataset plugin's split,",
      "through ONNX Runtime. For a model exported from a run, the run's own final metrics are shown beside."
    })
final class EvaluateCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin ServerOption server;

  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description = "Model id, or path to an .onnx file.")
  String model;

  @Option(
      names = "--dataset",
      required = true,
      paramLabel = "PLUGIN",
      description = "Dataset plugin id, e.g. fashion-mnist.")
  String dataset;

  @Option(
      names = {"-P", "--param"},
      paramLabel = "KEY=VALUE",
      description = "A dataset parameter (repeatable), e.g. -P repeat=1.")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(
      names = "--split",
      paramLabel = "SPLIT",
      description = "test, validation or train (default: test, else validation, else train).")
  String split;

  @Option(
      names = "--batch-size",
      defaultValue = "256",
      description = "Examples per ONNX Runtime call (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--seed",
      description =
          "Seed for generated datasets (default: the run's seed from the model's metadata).")
  Long seed;

  @Option(
      names = "--provider",
      defaultValue = "auto",
      paramLabel = "P",
      description = "auto, cpu or cuda (default ${DEFAULT-VALUE}).")
  String provider;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    boolean isFile = model.endsWith(".onnx") || Files.isRegularFile(Path.of(model));
    if (isFile) {
      return evaluateFile(common.resolve());
    }
    Optional<Integer> viaServer = server.through(common, this::throughServer);
    if (viaServer.isPresent()) {
      return viaServer.get();
    }
    PlatformCommand.Handle handle = PlatformCommand.start(common.resolve());
    if (handle == null) {
      return 1;
    }
    var platform = handle.platform;
    try (handle;
        OnnxModels models =
            new OnnxModels(
                platform.models(),
                platform.store(),
                platform.plugins(),
                platform.options().offline(),
                ProviderChoice.parse(provider))) {
      RegisteredModel m = models.require(model);
      LoadedModel loaded = LoadedModel.of(m);
      String runId = m.runId();
      Evaluation e = evaluate(models, loaded, platform.options().dataDir());
      Map<String, Double> runMetrics = new LinkedHashMap<>();
      if (runId != null) {
        for (SeriesSummary s : platform.store().series(runId)) {
          runMetrics.put(s.tag(), s.lastValue());
        }
      }
      report(loaded.key(), loaded.label(), e, runId, runMetrics);
      return 0;
    } catch (OnnxModelException ex) {
      System.err.println("error: " + ex.getMessage());
      return ex.reason() == OnnxModelException.Reason.BAD_INPUT ? CairnCli.USAGE : 1;
    } catch (SpecException ex) {
      System.err.println("error: " + ex.getMessage());
      return CairnCli.USAGE;
    }
  }

  /**
   * An .onnx file needs no tracking database, only the dataset plugins, so it is evaluated here
   * whether or not a server owns the store.
   */
  private int evaluateFile(CairnOptions options) {
    try (PluginRegistry plugins =
            PluginRegistry.load(options.pluginsDir(), Provenance.cairnVersion());
        OnnxModels models =
            new OnnxModels(
                null, null, plugins, options.offline(), ProviderChoice.parse(provider))) {
      LoadedModel loaded = OnnxModels.loadFile(Path.of(model));
      report(
          loaded.key(),
          loaded.label(),
          evaluate(models, loaded, options.dataDir()),
          null,
          Map.of());
      return 0;
    } catch (OnnxModelException ex) {
      System.err.println("error: " + ex.getMessage());
      return ex.reason() == OnnxModelException.Reason.BAD_INPUT ? CairnCli.USAGE : 1;
    } catch (SpecException ex) {
      System.err.println("error: " + ex.getMessage());
      return CairnCli.USAGE;
    }
  }

  /**
   * The server evaluates a registered model (POST /api/models/ID/evaluate) with its own plugins.
   */
  private int throughServer(ServerLink link) {
    System.err.println("evaluating through the server at " + link.url());
    String path = "/api/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8);
    try {
      JsonObject registered = link.get(path);
      JsonObject request = new JsonObject().put("dataset", dataset).put("batchSize", batchSize);
      JsonObject datasetParams = new JsonObject();
      params.forEach((k, v) -> datasetParams.put(k, yamlValue(v)));
      request.put("params", datasetParams);
      if (split != null) {
        request.put("split", split);
      }
      if (seed != null) {
        request.put("seed", seed);
      }
      JsonObject r = link.post(path + "/evaluate", request);
      Evaluation e =
          new Evaluation(
              r.getString("dataset"),
              r.getString("split"),
              r.getLong("examples", 0L),
              r.getString("task"),
              r.getDouble("accuracy", Double.NaN),
              r.getDouble("loss", Double.NaN),
              r.getString("lossName"),
              r.getDouble("mse", Double.NaN),
              r.getString("provider"),
              r.getDouble("seconds", 0.0));
      String runId = registered.getString("runId");
      Map<String, Double> runMetrics = new LinkedHashMap<>();
      if (runId != null) {
        JsonObject run = link.get("/api/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8));
        run.getJsonObject("metrics", new JsonObject())
            .forEach(
                m -> {
                  if (m.getValue() instanceof Number n) {
                    runMetrics.put(m.getKey(), n.doubleValue());
                  }
                });
      }
      String label = "model '" + model + "' (" + registered.getString("name") + ")";
      report(model, label, e, runId, runMetrics);
      return 0;
    } catch (ServerLink.Refused ex) {
      System.err.println("error: " + ex.getMessage());
      return ex.status / 100 == 4 ? CairnCli.USAGE : 1;
    } catch (ServerLink.Unreachable ex) {
      System.err.println("error: " + ex.getMessage());
      return 1;
    }
  }

  private Evaluation evaluate(OnnxModels models, LoadedModel loaded, Path dataDir) {
    Map<String, Object> raw = new LinkedHashMap<>();
    for (Map.Entry<String, String> p : params.entrySet()) {
      raw.put(p.getKey(), yamlValue(p.getValue())); // -P repeat=1 is the number 1, as in a spec
    }
    try {
      return models.evaluate(loaded, dataset, raw, split, batchSize, dataDir, seed);
    } catch (OnnxModelException ex) {
      throw ex.reason() == OnnxModelException.Reason.BAD_INPUT ? wrongShape(loaded, ex) : ex;
    }
  }

  /**
   * Prints the evaluation; for a model exported from a run, the run's own final epoch metrics
   * beside it ({@code runMetrics}: the last value of each of the run's series).
   */
  private void report(
      String key, String label, Evaluation e, String runId, Map<String, Double> allRunMetrics) {
    Map<String, Double> runMetrics = new LinkedHashMap<>();
    allRunMetrics.forEach(
        (tag, v) -> {
          if (tag.startsWith("epoch/") && (tag.endsWith("_accuracy") || tag.endsWith("_loss"))) {
            runMetrics.put(tag, v);
          }
        });
    if (json) {
      var o = OnnxJson.evaluation(key, e);
      if (runId != null) {
        o.put("runId", runId);
        var rm = o.putObject("runMetrics");
        runMetrics.forEach(rm::put);
      }
      System.out.println(OnnxJson.writePretty(o));
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "%s on %s/%s (%,d examples, %s, %.1f s)%n",
        label,
        e.dataset(),
        e.split(),
        e.examples(),
        e.provider(),
        e.seconds());
    Table table = new Table("metric", "onnx", runId == null ? "" : "run " + runId);
    String prefix = "epoch/" + e.split() + "_";
    if (!Double.isNaN(e.accuracy())) {
      table.row("accuracy", fmt(e.accuracy()), fmt(runMetrics.get(prefix + "accuracy")));
    }
    table.row("loss", fmt(e.loss()), fmt(runMetrics.get(prefix + "loss")));
    if (!Double.isNaN(e.mse())) {
      table.row("mse", fmt(e.mse()), "");
    }
    table.print(System.out);
    System.err.println("loss: " + e.lossName());
  }

  /**
   * The dataset's examples do not fit the model's input: say what the model takes and which dataset
   * it was trained on, instead of predict's advice about how to lay out an input file.
   */
  private OnnxModelException wrongShape(LoadedModel loaded, OnnxModelException ex) {
    Matcher got = Pattern.compile("got shape (\\[[^\\]]*\\])").matcher(ex.getMessage());
    if (!got.find() || loaded.signature().inputs().isEmpty()) {
      return ex;
    }
    var input = loaded.signature().inputs().get(0);
    Map<String, String> meta = loaded.signature().metadata();
    String trainedOn = meta.get(OnnxMetadata.DATASET_PLUGIN);
    String run = meta.get(OnnxMetadata.RUN_ID);
    return new OnnxModelException(
        ex.reason(),
        "dataset '"
            + dataset
            + "' does not fit "
            + loaded.label()
            + ": it takes input '"
            + input.name()
            + "' of shape "
            + input.describeShape()
            + ", and the dataset gives batches of shape "
            + got.group(1)
            + (trainedOn == null
                ? ""
                : "; the model was trained on dataset '"
                    + trainedOn
                    + "'"
                    + (run == null ? "" : " (run " + run + ")")
                    + ": evaluate it on that one, or on one with the same shape"));
  }

  private static Object yamlValue(String text) {
    try {
      Object v = new ObjectMapper(new YAMLFactory()).readValue(text, Object.class);
      return v == null ? text : v;
    } catch (IOException e) {
      return text;
    }
  }

  private static String fmt(Double v) {
    return v == null ? "" : String.format(Locale.ROOT, "%.4f", v);
  }
}
