package dev.cairn.server.cli;

import dev.cairn.core.tensorboard.TbExporter;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code cairn export RUN --format tensorboard --out DIR}: a run's logs as a TensorBoard event
 * file.
 */
final class TensorBoardExport {
  private TensorBoardExport() {}

  static int run(CommonOptions common, String runId, String format, Path out, boolean json) {
    if (!format.equals("tensorboard")) {
      System.err.println("error: unknown --format '" + format + "'; allowed: onnx, tensorboard");
      return CairnCli.USAGE;
    }
    if (out == null) {
      System.err.println(
          "error: --format tensorboard needs --out DIR (the event file goes into that directory)");
      return CairnCli.USAGE;
    }
    PlatformCommand.Handle handle = PlatformCommand.start(common.resolve());
    if (handle == null) {
      return 1;
    }
    try (handle) {
      TbExporter.Result r =
          TbExporter.export(handle.platform.store(), handle.platform.media(), runId, out);
      if (json) {
        System.out.println(
            new JsonObject()
                .put("run", runId)
                .put("file", r.file().toString())
                .put("scalars", r.scalars())
                .put("images", r.images())
                .put("histograms", r.histograms())
                .put("texts", r.texts())
                .put("hparams", r.hparams())
                .encode());
      } else {
        System.out.printf(
            Locale.ROOT,
            "exported run %s to %s: %d scalar points, %d images, %d histograms, %d texts, %d hparams%n",
            runId,
            r.file(),
            r.scalars(),
            r.images(),
            r.histograms(),
            r.texts(),
            r.hparams());
      }
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      System.err.println("error: cannot write " + out + ": " + e.getMessage());
      return 1;
    }
  }
}
