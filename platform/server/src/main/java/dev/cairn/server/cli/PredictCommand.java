package dev.cairn.server.cli;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.cairn.core.onnx.H2ModelCatalog;
import dev.cairn.core.onnx.ImageTensors;
import dev.cairn.core.onnx.LoadedModel;
import dev.cairn.core.onnx.OnnxJson;
import dev.cairn.core.onnx.OnnxModelException;
import dev.cairn.core.onnx.OnnxModels;
import dev.cairn.core.onnx.Prediction;
import dev.cairn.core.onnx.ProviderChoice;
import dev.cairn.core.onnx.TensorData;
import dev.cairn.core.tracking.H2TrackingStore;
import dev.cairn.server.CairnOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn predict MODEL --input FILE}: run a model through ONNX Runtime. */
@Command(
    name = "predict",
    description = {
      "Run an ONNX model on a JSON tensor file or an image and print its outputs (class labels when the model has them).",
      "MODEL is a registered model id (from import or export) or a path to an .onnx file."
    })
final class PredictCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description = "Model id, or path to an .onnx file.")
  String model;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description = {
        "A .json file holding a nested array for the model's first input (a batch, or one example),",
        "or {\"inputs\": {\"<name>\": <nested array>, ...}}; or an image (PNG, JPEG, GIF, BMP) for image models."
      })
  Path input;

  @Option(
      names = "--provider",
      defaultValue = "auto",
      paramLabel = "P",
      description =
          "ONNX Runtime execution provider: auto (CUDA when it loads, else CPU), cpu or cuda (default ${DEFAULT-VALUE}).")
  String provider;

  @Option(
      names = "--json",
      description = "Print one JSON object: outputs (type, shape, data), predictions, provider.")
  boolean json;

  @Override
  public Integer call() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(input);
    } catch (IOException e) {
      System.err.println("error: cannot read --input " + input + ": " + e.getMessage());
      return CairnCli.USAGE;
    }
    try {
      ProviderChoice choice = ProviderChoice.parse(provider);
      Path file = Path.of(model);
      if (model.endsWith(".onnx") || Files.isRegularFile(file)) {
        // a file: no database, no plugins needed
        try (OnnxModels models = new OnnxModels(null, null, null, true, choice)) {
          return run(models, OnnxModels.loadFile(file), bytes);
        }
      }
      CairnOptions options = common.resolve();
      // a model id in the embedded store: its file is models/<id>.onnx under the data directory and
      // holds everything predict needs (the signature is read from it), so no database is opened;
      // this also works while a server holds the database
      Path stored = options.dataDir().resolve("models").resolve(model + ".onnx");
      if (options.jdbcUrl() == null
          && model.matches("[A-Za-z0-9_-]{1,64}")
          && Files.isRegularFile(stored)) {
        try (OnnxModels models = new OnnxModels(null, null, null, true, choice)) {
          LoadedModel fromFile = OnnxModels.loadFile(stored);
          return run(
              models,
              new LoadedModel(model, stored, fromFile.signature(), "model '" + model + "'"),
              bytes);
        }
      }
      // otherwise only the tracking database (read), no plugins, no Vert.x, no DJL
      H2TrackingStore store;
      try {
        store =
            options.jdbcUrl() == null
                ? H2TrackingStore.openInDirectory(options.dataDir())
                : H2TrackingStore.open(
                    options.jdbcUrl(),
                    System.getenv().getOrDefault("CAIRN_JDBC_USER", "sa"),
                    System.getenv().getOrDefault("CAIRN_JDBC_PASSWORD", ""));
      } catch (RuntimeException e) {
        String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        String server =
            msg.contains("locked") || msg.contains("already in use")
                ? ServerFile.liveUrl(options.dataDir()).orElse(null)
                : null;
        System.err.println(
            server != null
                ? "error: the Cairn server at "
                    + server
                    + " owns the tracking database in "
                    + options.dataDir()
                    + "; predict through it: POST "
                    + server
                    + "/api/models/"
                    + model
                    + "/predict (docs/api.md),"
                    + " or pass the .onnx file (cairn predict FILE.onnx)"
                : msg.contains("locked") || msg.contains("already in use")
                    ? "error: the tracking database in "
                        + options.dataDir()
                        + " is in use by another Cairn process; stop it,"
                        + " or predict through its REST API (POST /api/models/"
                        + model
                        + "/predict)"
                    : "error: could not open the tracking database in "
                        + options.dataDir()
                        + ": "
                        + msg);
        return 1;
      }
      try (store;
          OnnxModels models =
              new OnnxModels(
                  new H2ModelCatalog(store.database(), options.dataDir()),
                  store,
                  null,
                  options.offline(),
                  choice)) {
        return run(models, LoadedModel.of(models.require(model)), bytes);
      }
    } catch (OnnxModelException e) {
      System.err.println("error: " + e.getMessage());
      return e.reason() == OnnxModelException.Reason.BAD_INPUT ? CairnCli.USAGE : 1;
    }
  }

  private int run(OnnxModels models, LoadedModel loaded, byte[] bytes) {
    boolean image = ImageTensors.looksLikeImage(bytes);
    Prediction p =
        image
            ? models.predictImage(loaded, bytes)
            : models.predictJson(loaded, new String(bytes, StandardCharsets.UTF_8));
    if (json) {
      System.out.println(OnnxJson.writePretty(OnnxJson.prediction(loaded.key(), p)));
    } else {
      print(System.out, loaded, p);
    }
    return 0;
  }

  static void print(PrintStream out, LoadedModel model, Prediction p) {
    System.err.printf(
        Locale.ROOT,
        "%s on %s (%s): %.2f ms%n",
        model.label(),
        p.provider(),
        p.providerNote(),
        p.millis());
    if (!p.classes().isEmpty()) {
      Table table = new Table("example", "class", "label", "probability");
      for (int i = 0; i < p.classes().size(); i++) {
        Prediction.ClassScore c = p.classes().get(i);
        table.row(
            Integer.toString(i),
            Integer.toString(c.index()),
            c.label(),
            String.format(Locale.ROOT, "%.4f", c.probability()));
      }
      table.print(out);
      return;
    }
    for (Map.Entry<String, TensorData> e : p.outputs().entrySet()) {
      TensorData t = e.getValue();
      out.printf("%s: %s %s%n", e.getKey(), t.type(), Arrays.toString(t.shape()));
      if (t.data() instanceof String[] strings) {
        for (int i = 0; i < Math.min(strings.length, 20); i++) {
          out.println("  [" + i + "] " + TextNode.valueOf(strings[i]));
        }
        if (strings.length > 20) {
          out.println("  ... (" + strings.length + " strings; --json prints all)");
        }
        continue;
      }
      int rows = t.shape().length > 1 ? (int) t.shape()[0] : 1;
      int width = rows == 0 ? 0 : t.size() / rows;
      for (int r = 0; r < Math.min(rows, 20); r++) {
        StringBuilder line = new StringBuilder("  [").append(r).append("]");
        for (int j = 0; j < Math.min(width, 12); j++) {
          line.append(' ').append(String.format(Locale.ROOT, "%.6g", t.get(r * width + j)));
        }
        out.println(width > 12 ? line + " ... (" + width + " values)" : line.toString());
      }
      if (rows > 20) {
        out.println("  ... (" + rows + " rows; --json prints all)");
      }
    }
  }
}
