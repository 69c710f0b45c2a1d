package dev.cairn.server.cli;

import dev.cairn.core.onnx.ExportResult;
import dev.cairn.core.onnx.OnnxJson;
import dev.cairn.core.onnx.OnnxModelException;
import dev.cairn.core.onnx.OnnxModels;
import dev.cairn.core.onnx.ProviderChoice;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.onnx.OnnxExportException;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn export RUN}: write a run's model as a verified ONNX file. */
@Command(
    name = "export",
    description = {
      "Export a finished run's model to ONNX (opset 13, IR 8, dynamic batch), verified against DJL on a probe batch.",
      "The file is kept as the run's artifact and registered as a model for predict/evaluate."
    })
final class ExportCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin ServerOption server;

  @Parameters(
      index = "0",
      paramLabel = "RUN",
      description = "Id of a finished run (`cairn runs` lists them).")
  String runId;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Where to write the .onnx file (default onnx-models/<run name>-<run id>.onnx).")
  Path out;

  @Option(
      names = "--json",
      description = "Print one JSON object: model id, artifact, verification, signature.")
  boolean json;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "onnx",
      description =
          "onnx (default): the model; tensorboard: the run's logs as event files in --out DIR.")
  String format;

  @Override
  public Integer call() throws Exception {
    if (!format.equals("onnx")) {
      return TensorBoardExport.run(common, runId, format, out, json);
    }
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
      ExportResult r = models.exportRun(runId);
      Path target =
          out != null
              ? out
              : Path.of("onnx-models", safe(r.model().name()) + "-" + runId + ".onnx");
      if (target.toAbsolutePath().getParent() != null) {
        Files.createDirectories(target.toAbsolutePath().getParent());
      }
      Files.copy(r.artifact().file(), target, StandardCopyOption.REPLACE_EXISTING);
      if (json) {
        var o = OnnxJson.export(r);
        o.put("out", target.toString());
        System.out.println(OnnxJson.writePretty(o));
        return 0;
      }
      System.out.printf(
          Locale.ROOT,
          "exported run %s (%s) to %s (%,d bytes, opset 13, IR 8)%n",
          runId,
          r.model().name(),
          target,
          r.artifact().sizeBytes());
      System.out.printf(
          Locale.ROOT,
          "verified: max |ONNX Runtime - DJL| = %.2e on a probe batch of %d (allowed %.0e + %.0e * |DJL|)%n",
          r.verification().maxAbsDiff(),
          r.verification().probeExamples(),
          r.verification().tolerance(),
          r.verification().relativeTolerance());
      System.out.printf(
          "model id: %s%s (cairn predict %s --input FILE, POST /api/models/%s/predict)%n",
          r.model().id(), r.reused() ? ", already registered" : "", r.model().id(), r.model().id());
      System.out.printf(
          "run artifact: %s (sha256 %s)%n", r.artifact().file(), r.artifact().sha256());
      return 0;
    } catch (OnnxModelException | OnnxExportException | SpecException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    }
  }

  /** The server exports (POST /api/runs/RUN/export); the file is downloaded from its artifacts. */
  private int throughServer(ServerLink link) throws Exception {
    System.err.println("exporting through the server at " + link.url());
    JsonObject r =
        link.post(
            "/api/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8) + "/export",
            new JsonObject());
    JsonObject artifact = r.getJsonObject("artifact", new JsonObject());
    String name = artifact.getString("name", "model.onnx");
    Path target =
        out != null
            ? out
            : Path.of("onnx-models", safe(name.replaceAll("\\.onnx$", "")) + "-" + runId + ".onnx");
    if (target.toAbsolutePath().getParent() != null) {
      Files.createDirectories(target.toAbsolutePath().getParent());
    }
    link.download(
        "/api/runs/" + runId + "/artifacts/" + URLEncoder.encode(name, StandardCharsets.UTF_8),
        target);
    if (json) {
      System.out.println(r.put("out", target.toString()).encodePrettily());
      return 0;
    }
    var v = r.getJsonObject("verification", new JsonObject());
    System.out.printf(
        Locale.ROOT,
        "exported run %s to %s (%,d bytes, opset 13, IR 8)%n",
        runId,
        target,
        artifact.getLong("sizeBytes", 0L));
    System.out.printf(
        Locale.ROOT,
        "verified: max |ONNX Runtime - DJL| = %.2e on a probe batch of %d (allowed %.0e + %.0e * |DJL|)%n",
        v.getDouble("maxAbsDiff", Double.NaN),
        v.getInteger("probeExamples", 0),
        v.getDouble("tolerance", Double.NaN),
        v.getDouble("relativeTolerance", Double.NaN));
    String model = r.getString("modelId");
    System.out.printf(
        "model id: %s%s (cairn predict %s --input FILE, POST /api/models/%s/predict)%n",
        model, r.getBoolean("reused", false) ? ", already registered" : "", model, model);
    System.out.printf(
        "run artifact: %s (sha256 %s)%n", artifact.getString("path"), artifact.getString("sha256"));
    return 0;
  }

  static String safe(String name) {
    String s = name.replaceAll("[^A-Za-z0-9._-]+", "-");
    return s.isEmpty() ? "model" : s;
  }
}
