package dev.cairn.server;

import dev.cairn.core.Provenance;
import dev.cairn.core.artifacts.ArtifactStore;
import dev.cairn.core.artifacts.H2ArtifactStore;
import dev.cairn.core.onnx.H2ModelCatalog;
import dev.cairn.core.onnx.ModelCatalog;
import dev.cairn.core.plugins.PluginRegistry;
import dev.cairn.core.security.H2SecurityStore;
import dev.cairn.core.security.SecurityStore;
import dev.cairn.core.spec.SpecResolver;
import dev.cairn.core.sweep.H2SweepStore;
import dev.cairn.core.sweep.SweepStore;
import dev.cairn.core.tracking.H2TrackingStore;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.tracking.TrackingDatabase;
import dev.cairn.core.tracking.TrackingStore;
import dev.cairn.core.tracking.media.H2MediaStore;
import dev.cairn.core.tracking.media.MediaStore;
import dev.cairn.server.bus.MediaBatch;
import dev.cairn.server.bus.MediaBatchCodec;
import dev.cairn.server.bus.MediaWriterVerticle;
import dev.cairn.server.bus.MetricBatch;
import dev.cairn.server.bus.MetricBatchCodec;
import dev.cairn.server.bus.StoreWriterVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Cairn: Vert.x, the tracking store with its writer verticle, the plugins, and the run
 * service. Start it from a main thread (it blocks while starting), close it to stop.
 */
public final class Platform implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Platform.class);
  public static final String ABANDONED_MESSAGE =
      "the process running it ended without finishing it (crash or kill -9); marked FAILED by the next start"
          + " after its lease expired, ended at its last heartbeat";

  private final CairnOptions options;
  private final Vertx vertx;
  private final TrackingStore store;
  private final TrackingDatabase database;
  private final MediaStore media;
  private final SweepStore sweeps;
  private final ArtifactStore artifacts;
  private final ModelCatalog models;
  private final SecurityStore security;
  private final PluginRegistry plugins;
  private final RunService runs;
  private final SpecResolver resolver;
  private final int abandonedRuns;

  private Platform(
      CairnOptions options,
      Vertx vertx,
      TrackingStore store,
      TrackingDatabase database,
      MediaStore media,
      SweepStore sweeps,
      ArtifactStore artifacts,
      ModelCatalog models,
      SecurityStore security,
      PluginRegistry plugins,
      int abandonedRuns) {
    this.options = options;
    this.vertx = vertx;
    this.store = store;
    this.database = database;
    this.media = media;
    this.sweeps = sweeps;
    this.artifacts = artifacts;
    this.models = models;
    this.security = security;
    this.plugins = plugins;
    this.abandonedRuns = abandonedRuns;
    this.resolver = new SpecResolver(plugins);
    this.runs = new RunService(vertx, plugins, resolver, options);
    runs.keepTailsIn(artifacts);
  }

  /**
   * The resolver every spec of this process goes through (runs, sweeps); a server restricts its
   * paths to the data roots with {@link SpecResolver#restrictPaths}.
   */
  public SpecResolver specResolver() {
    return resolver;
  }

  /** Opens the store (failing runs a crash left behind), loads plugins, deploys the writer. */
  public static Platform start(CairnOptions options) throws Exception {
    return start(options, Vertx::vertx);
  }

  /**
   * As {@link #start(CairnOptions)}, on the Vert.x {@code vertxFactory} makes from Cairn's options
   * (a clustered one for {@code serve --cluster}).
   */
  public static Platform start(CairnOptions options, Function<VertxOptions, Vertx> vertxFactory)
      throws Exception {
    Files.createDirectories(options.dataDir());
    H2TrackingStore store =
        options.jdbcUrl() == null
            ? H2TrackingStore.openInDirectory(options.dataDir())
            : H2TrackingStore.open(
                options.jdbcUrl(),
                System.getenv().getOrDefault("CAIRN_JDBC_USER", "sa"),
                System.getenv().getOrDefault("CAIRN_JDBC_PASSWORD", ""));
    Vertx vertx = null;
    try {
      int abandoned = store.failAbandonedRuns(ABANDONED_MESSAGE);
      if (abandoned > 0) {
        // the CLI prints a note saying the same; a warning as well said it twice
        LOG.info("{} run(s) left RUNNING by an earlier process were marked FAILED", abandoned);
      }
      PluginRegistry plugins = PluginRegistry.load(options.pluginsDir(), Provenance.cairnVersion());
      vertx = vertxFactory.apply(new VertxOptions().setWorkerPoolSize(8));
      vertx.eventBus().registerDefaultCodec(MetricBatch.class, new MetricBatchCodec());
      vertx.eventBus().registerDefaultCodec(MediaBatch.class, new MediaBatchCodec());
      // the stores of the tracking database's other tables: the one place that builds them
      TrackingDatabase db = store.database();
      MediaStore media = new H2MediaStore(db);
      vertx
          .deployVerticle(
              new StoreWriterVerticle(store),
              new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      vertx
          .deployVerticle(
              new MediaWriterVerticle(media, store),
              new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      return new Platform(
          options,
          vertx,
          store,
          db,
          media,
          new H2SweepStore(db),
          new H2ArtifactStore(db, options.dataDir()),
          new H2ModelCatalog(db, options.dataDir()),
          new H2SecurityStore(db),
          plugins,
          abandoned);
    } catch (Exception | Error e) {
      if (vertx != null) {
        vertx.close();
      }
      store.close();
      throw e;
    }
  }

  public Vertx vertx() {
    return vertx;
  }

  /** For reads (blocking: call off the event loop). Writes go through the writer verticle. */
  public TrackingStore store() {
    return store;
  }

  /** Images, histograms, text, graphs and run notes (blocking: call off the event loop). */
  public MediaStore media() {
    return media;
  }

  /** Sweeps and their trials (blocking: call off the event loop). */
  public SweepStore sweeps() {
    return sweeps;
  }

  /** The files runs keep (blocking: call off the event loop). */
  public ArtifactStore artifacts() {
    return artifacts;
  }

  /** Registered ONNX models and the artifacts of exports (blocking: call off the event loop). */
  public ModelCatalog models() {
    return models;
  }

  /**
   * The tracking database, for the stores of the server's own tables in it (MLflow, client keys,
   * TensorBoard import state): writes go through the store's one writer.
   */
  public TrackingDatabase database() {
    return database;
  }

  /** Tokens, owners and the audit trail (blocking: call off the event loop). */
  public SecurityStore security() {
    return security;
  }

  public PluginRegistry plugins() {
    return plugins;
  }

  public RunService runs() {
    return runs;
  }

  public CairnOptions options() {
    return options;
  }

  /** Runs that an earlier process left unfinished and that this start marked FAILED. */
  public int abandonedRuns() {
    return abandonedRuns;
  }

  /** Stops runs, undeploys the writer (final flush), closes the store and plugins. */
  @Override
  public void close() {
    runs.cancelAll();
    runs.awaitIdle(30_000);
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("vert.x did not close cleanly", e);
    }
    killInterruptedRuns();
    store.close();
    plugins.close();
  }

  /**
   * Runs this process still trained when it was stopped (a sweep's trials on Ctrl-C or SIGTERM:
   * their workers stop after the current batch) end KILLED now, not FAILED at the next start; a
   * resumed sweep trains them again. Runs written by outside clients stay as they are: their
   * clients go on after a restart.
   */
  private void killInterruptedRuns() {
    try {
      for (String id : store.ownedRuns()) {
        store
            .getRun(id)
            .filter(
                r ->
                    r.status() == RunStatus.RUNNING
                        && !"client".equals(r.device())
                        && !r.provenance().containsKey("source"))
            .ifPresent(
                r ->
                    store.markEnded(
                        id, RunStatus.KILLED, "stopped with its process (Ctrl-C or SIGTERM)"));
      }
    } catch (RuntimeException e) {
      LOG.warn("could not mark the interrupted runs KILLED: {}", e.getMessage());
    }
  }
}
