package dev.cairn.server.cli;

import ai.djl.engine.Engine;
import dev.cairn.client.CairnClient;
import dev.cairn.client.EndStatus;
import dev.cairn.client.Run;
import dev.cairn.core.Provenance;
import dev.cairn.core.plugins.PluginRegistry;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.training.DatasetLoadException;
import dev.cairn.core.training.Devices;
import dev.cairn.core.training.ProgressObserver;
import dev.cairn.core.training.TorchThreads;
import dev.cairn.core.training.TrainingResult;
import dev.cairn.core.training.TrainingRunner;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.RunOutcome;
import dev.cairn.spi.SpecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a run in this process while a server owns the store: the run is created through the
 * tracking API (source {@code cairn-cli}, with its spec, seed, device and provenance), everything
 * the trainer tracks is logged through the Java client ({@link ClientMetricSink}), and the run ends
 * FINISHED, FAILED or KILLED there, as {@code RunService} does for an embedded run.
 */
final class ServerRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerRun.class);

  private final ServerLink server;
  private final CairnOptions options;
  private final PluginRegistry plugins;
  private final CairnClient client;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private volatile String active;

  ServerRun(ServerLink server, CairnOptions options, PluginRegistry plugins) {
    this.server = server;
    this.options = options;
    this.plugins = plugins;
    this.client =
        CairnClient.builder()
            .setServer(URI.create(server.url()))
            .optToken(server.token())
            .optCloseAtShutdown(false)
            .build(); // on Ctrl-C, `cairn run` ends its run KILLED, then closes this
  }

  /** Asks the run training now to stop after its current batch; it then ends KILLED. */
  void cancel() {
    cancelled.set(true);
  }

  String active() {
    return active;
  }

  RunOutcome train(ResolvedSpec resolved, Path workDir, ProgressObserver observer) {
    var spec = resolved.spec();
    TorchThreads.configureDefaults(); // before libtorch loads
    String device = Devices.label(Devices.resolve(spec.device(), Engine.getEngine("PyTorch")));
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("spec", spec.text());
    fields.put("seed", spec.seed());
    fields.put("device", device);
    fields.put("provenance", Provenance.collect(workDir, plugins.pluginVersions()));
    Run run =
        client.startRun(
            spec.experiment(),
            spec.name(),
            resolved.flatParams(),
            Map.of(),
            UUID.randomUUID().toString(),
            "cairn-cli",
            fields);
    active = run.id();
    RunStatus status;
    String message = null;
    TrainingResult result = null;
    ClientMetricSink sink = new ClientMetricSink(run);
    try {
      try {
        result =
            new TrainingRunner()
                .train(
                    resolved,
                    run.id(),
                    new TrainingRunner.Environment(
                        options.dataDir(), options.offline(), sink, observer, cancelled::get));
      } finally {
        sink.flush();
      }
      status = RunStatus.FINISHED;
    } catch (CancellationException e) {
      status = RunStatus.KILLED;
      message = "stopped by the user";
    } catch (SpecException | DatasetLoadException e) {
      status = RunStatus.FAILED;
      message = e.getMessage();
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("run {} failed", run.id(), e);
      status = RunStatus.FAILED;
      message = e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (Exception | Error e) {
      LOG.error("run {} failed", run.id(), e);
      status = RunStatus.FAILED;
      message = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    run.end(EndStatus.valueOf(status.name()), message);
    active = null;
    if (run.droppedPoints() > 0) {
      System.err.printf(
          "warning: %d point(s) of run %s could not be sent to %s%n",
          run.droppedPoints(), run.id(), server.url());
    }
    return new RunOutcome(run.id(), spec.name(), status, result, message);
  }

  /** Sends what is still queued and closes the client. */
  @Override
  public void close() {
    client.close();
  }
}
