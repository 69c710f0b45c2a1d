package dev.cairn.server;

import ai.djl.engine.Engine;
import dev.cairn.core.Provenance;
import dev.cairn.core.artifacts.ArtifactStore;
import dev.cairn.core.plugins.PluginRegistry;
import dev.cairn.core.spec.ExperimentSpec;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.core.spec.SpecResolver;
import dev.cairn.core.tracking.NewRun;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.tracking.TrackingStore;
import dev.cairn.core.training.ConsoleTail;
import dev.cairn.core.training.DatasetLoadException;
import dev.cairn.core.training.Devices;
import dev.cairn.core.training.ProgressObserver;
import dev.cairn.core.training.Resume;
import dev.cairn.core.training.TorchThreads;
import dev.cairn.core.training.TrainingResult;
import dev.cairn.core.training.TrainingRunner;
import dev.cairn.server.bus.Addresses;
import dev.cairn.server.bus.EventBusMetricSink;
import dev.cairn.server.json.JsonMapping;
import dev.cairn.spi.SpecException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits runs: stores them through the writer verticle, trains them on a dedicated worker executor
 * (never an event loop), and records how they end.
 */
public final class RunService {
  private static final Logger LOG = LoggerFactory.getLogger(RunService.class);

  private final Vertx vertx;
  private final PluginRegistry plugins;
  private final SpecResolver resolver;
  private final CairnOptions options;
  private final WorkerExecutor training;
  private final Map<String, AtomicBoolean> active = new ConcurrentHashMap<>();
  private volatile ArtifactStore tails;

  RunService(Vertx vertx, PluginRegistry plugins, SpecResolver resolver, CairnOptions options) {
    this.vertx = vertx;
    this.plugins = plugins;
    this.resolver = resolver;
    this.options = options;
    // One training thread: DJL's PyTorch engine allows a single gradient collector per JVM, so
    // runs submitted together queue here (QUEUED) and train one after another; parallel
    // training takes several JVMs (cairn worker).
    this.training = vertx.createSharedWorkerExecutor("cairn-training", 1, 30, TimeUnit.DAYS);
  }

  /** Checks a spec against the installed plugins; throws {@link SpecException} naming the field. */
  public ResolvedSpec resolve(ExperimentSpec spec) {
    return resolver.resolve(spec);
  }

  /**
   * Stores a QUEUED run and starts training it. The first future completes with the run id once
   * stored; {@code outcome} completes when the run ends.
   *
   * @param workDir where the spec came from (for the git commit in provenance), or null
   */
  public Future<String> submit(
      ResolvedSpec resolved, Path workDir, ProgressObserver observer, Promise<RunOutcome> outcome) {
    ExperimentSpec spec = resolved.spec();
    return vertx
        .executeBlocking(
            () -> {
              TorchThreads.configureDefaults(); // before libtorch loads
              return Provenance.collect(workDir, plugins.pluginVersions());
            })
        .compose(
            provenance -> {
              NewRun run =
                  new NewRun(
                      spec.experiment(),
                      spec.name(),
                      spec.text(),
                      Provenance.sha256(spec.text()),
                      spec.seed(),
                      spec.device().label(),
                      provenance,
                      resolved.flatParams());
              return vertx
                  .eventBus()
                  .<JsonObject>request(Addresses.CREATE_RUN, JsonMapping.toJson(run));
            })
        .map(
            reply -> {
              String runId = reply.body().getString("id");
              AtomicBoolean cancelled = new AtomicBoolean();
              active.put(runId, cancelled);
              training
                  .<RunOutcome>executeBlocking(
                      () -> train(resolved, runId, observer, cancelled), false)
                  .onComplete(
                      ar -> {
                        active.remove(runId);
                        if (ar.succeeded()) {
                          outcome.complete(ar.result());
                        } else {
                          outcome.fail(ar.cause());
                        }
                      });
              return runId;
            });
  }

  /**
   * Continues a stored run from a checkpoint under its own id: the run must be QUEUED again (see
   * {@link dev.cairn.core.tracking.TrackingStore#reopen}); {@code outcome} completes when it ends.
   */
  public void resume(
      ResolvedSpec resolved,
      String runId,
      Resume resume,
      ProgressObserver observer,
      Promise<RunOutcome> outcome) {
    AtomicBoolean cancelled = new AtomicBoolean();
    active.put(runId, cancelled);
    training
        .<RunOutcome>executeBlocking(
            () -> train(resolved, runId, observer, cancelled, resume), false)
        .onComplete(
            ar -> {
              active.remove(runId);
              if (ar.succeeded()) {
                outcome.complete(ar.result());
              } else {
                outcome.fail(ar.cause());
              }
            });
  }

  /**
   * Trains the QUEUED runs a dead process left behind (a server stopped before their turn), oldest
   * first, under their own ids and after anything already queued here; a run whose spec no longer
   * resolves (a plugin removed, a path now outside the data roots) ends FAILED saying why. Blocking
   * (JDBC): call it from a worker. Returns the ids queued again.
   */
  public List<String> requeueAbandoned(TrackingStore store) {
    List<String> queued = new ArrayList<>();
    for (String id : store.claimQueuedRuns()) {
      var run = store.getRun(id).orElse(null);
      if (run == null) {
        continue;
      }
      ResolvedSpec resolved;
      try {
        resolved = resolve(SpecParser.parse(run.specText(), run.name()));
      } catch (RuntimeException e) {
        store.markEnded(
            id,
            RunStatus.FAILED,
            "queued when its server stopped; its spec no longer resolves: " + e.getMessage());
        continue;
      }
      AtomicBoolean cancelled = new AtomicBoolean();
      active.put(id, cancelled);
      training
          .<RunOutcome>executeBlocking(
              () -> train(resolved, id, ProgressObserver.NONE, cancelled), false)
          .onComplete(ar -> active.remove(id));
      queued.add(id);
    }
    return queued;
  }

  private RunOutcome train(
      ResolvedSpec resolved, String runId, ProgressObserver observer, AtomicBoolean cancelled)
      throws Exception {
    return train(resolved, runId, observer, cancelled, null);
  }

  private RunOutcome train(
      ResolvedSpec resolved,
      String runId,
      ProgressObserver observer,
      AtomicBoolean cancelled,
      Resume resume)
      throws Exception {
    String name = resolved.spec().name();
    RunStatus status;
    String message = null;
    TrainingResult result = null;
    Throwable unexpected = null;
    ConsoleTail tail = new ConsoleTail(observer);
    observer = tail;
    try {
      String device =
          Devices.label(Devices.resolve(resolved.spec().device(), Engine.getEngine("PyTorch")));
      setState(runId, RunStatus.RUNNING, device, null);
      EventBusMetricSink sink = new EventBusMetricSink(vertx.eventBus());
      try {
        result =
            new TrainingRunner()
                .train(
                    resolved,
                    runId,
                    new TrainingRunner.Environment(
                        options.dataDir(), options.offline(), sink, observer, cancelled::get),
                    resume);
      } finally {
        sink.flush();
      }
      status = RunStatus.FINISHED;
    } catch (CancellationException e) {
      status = RunStatus.KILLED;
      message = "stopped by the user";
    } catch (SpecException e) {
      status = RunStatus.FAILED;
      message = e.getMessage();
    } catch (DatasetLoadException e) {
      // the plugin's message says what it tried and the fix; the trace is for CAIRN_LOG_LEVEL=debug
      LOG.debug("run {} could not load its dataset", runId, e);
      status = RunStatus.FAILED;
      message = e.getMessage();
    } catch (IOException | UncheckedIOException e) {
      // data that cannot be read or found: the message says it all and the CLI prints it, so the
      // stack trace is only for CAIRN_LOG_LEVEL=debug
      LOG.debug("run {} failed", runId, e);
      status = RunStatus.FAILED;
      message = e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (Exception | Error e) {
      LOG.error("run {} failed", runId, e);
      status = RunStatus.FAILED;
      message = e.getClass().getSimpleName() + ": " + e.getMessage();
      unexpected = e;
    }
    if (status != RunStatus.FINISHED) {
      tail.ended(status.name(), message, unexpected);
      keepTail(runId, tail.text());
    }
    setState(runId, status, null, message);
    return new RunOutcome(runId, name, status, result, message);
  }

  /**
   * Keeps the last lines of a failed or stopped run's output as its artifact {@code
   * logs/console-tail.txt} (the run page shows them). Best effort: a run's end never waits on it
   * failing.
   */
  private void keepTail(String runId, String text) {
    if (tails == null) {
      return;
    }
    try {
      Path tmp = tails.newUploadFile();
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      Files.write(tmp, bytes);
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      tails.commit(runId, ConsoleTail.ARTIFACT, tmp, bytes.length, sha, "cairn-trainer");
    } catch (Exception e) {
      LOG.warn("could not keep the output of run {}: {}", runId, e.toString());
    }
  }

  /** Where failed runs' output tails go (set by the platform when its store is the H2 store). */
  void keepTailsIn(ArtifactStore store) {
    this.tails = store;
  }

  private void setState(String runId, RunStatus status, String device, String message)
      throws Exception {
    JsonObject body =
        new JsonObject()
            .put("runId", runId)
            .put("status", status.name())
            .put("device", device)
            .put("message", message);
    vertx
        .eventBus()
        .request(Addresses.RUN_STATE, body)
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  /** Asks a running run to stop after its current batch; false when it is not running here. */
  public boolean cancel(String runId) {
    AtomicBoolean flag = active.get(runId);
    if (flag == null) {
      return false;
    }
    flag.set(true);
    return true;
  }

  public void cancelAll() {
    active.values().forEach(f -> f.set(true));
  }

  /** Ids of the runs training in this process. */
  public Set<String> activeRuns() {
    return Set.copyOf(active.keySet());
  }

  /** Waits until no run is training, at most {@code millis}. */
  public void awaitIdle(long millis) {
    long end = System.currentTimeMillis() + millis;
    while (!active.isEmpty() && System.currentTimeMillis() < end) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
