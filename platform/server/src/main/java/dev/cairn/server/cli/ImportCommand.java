package dev.cairn.server.cli;

import dev.cairn.core.onnx.OnnxJson;
import dev.cairn.core.onnx.OnnxModelException;
import dev.cairn.core.onnx.OnnxModels;
import dev.cairn.core.onnx.ProviderChoice;
import dev.cairn.core.onnx.RegisteredModel;
import dev.cairn.core.onnx.TensorSpec;
import io.vertx.core.json.JsonObject;
import java.io.FileNotFoundException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn import model.onnx}: register any ONNX model for predict and evaluate. */
@Command(
    name = "import",
    description = {
      "Register an ONNX model (Cairn's own or anyone's, e.g. exported by PyTorch) and print its id.",
      "The file must load in ONNX Runtime; a malformed, truncated or non-ONNX file is refused and nothing is stored."
    })
final class ImportCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin ServerOption server;

  @Parameters(index = "0", paramLabel = "FILE", description = "The .onnx file.")
  Path file;

  @Option(names = "--name", description = "Display name (default: the file name without .onnx).")
  String name;

  @Option(
      names = "--json",
      description = "Print one JSON object: id, inputs, outputs, opsets, metadata.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Optional<Integer> viaServer = server.through(common, this::throughServer);
    if (viaServer.isPresent()) {
      return viaServer.get();
    }
    PlatformCommand.Handle handle = PlatformCommand.start(common.resolve());
    if (handle == null) {
      return 1;
    }
    try (handle;
        OnnxModels models =
            new OnnxModels(
                handle.platform.models(),
                handle.platform.store(),
                handle.platform.plugins(),
                handle.platform.options().offline(),
                ProviderChoice.CPU)) {
      RegisteredModel m = models.importFile(file, name);
      if (json) {
        System.out.println(OnnxJson.writePretty(OnnxJson.model(m)));
        return 0;
      }
      System.out.println(m.id());
      StringBuilder opsets = new StringBuilder();
      m.signature()
          .opsets()
          .forEach(
              (domain, v) ->
                  opsets
                      .append(opsets.length() == 0 ? "" : ", ")
                      .append(domain.isEmpty() ? "ai.onnx" : domain)
                      .append(' ')
                      .append(v));
      System.err.printf(
          "imported %s as model %s (%s, IR %d, opset %s)%n",
          file, m.id(), m.name(), m.signature().irVersion(), opsets);
      for (TensorSpec t : m.signature().inputs()) {
        System.err.println("  input  " + t);
      }
      for (TensorSpec t : m.signature().outputs()) {
        System.err.println("  output " + t);
      }
      return 0;
    } catch (OnnxModelException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    }
  }

  /** The server imports it (POST /api/models, the file streamed as the body). */
  private int throughServer(ServerLink link) {
    if (!Files.isRegularFile(file)) {
      System.err.println("error: " + file + " is not a file");
      return 1;
    }
    String display = name != null ? name : file.getFileName().toString().replaceAll("\\.onnx$", "");
    JsonObject m;
    try {
      m =
          link.postFile(
              "/api/models?name=" + URLEncoder.encode(display, StandardCharsets.UTF_8), file);
    } catch (FileNotFoundException e) {
      System.err.println("error: " + file + " cannot be read");
      return 1;
    }
    if (json) {
      System.out.println(m.encodePrettily());
      return 0;
    }
    System.out.println(m.getString("id"));
    System.err.printf(
        "imported %s as model %s (%s) through the server at %s%n",
        file, m.getString("id"), display, link.url());
    return 0;
  }
}
