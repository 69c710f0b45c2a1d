package dev.cairn.server.cli;

import dev.cairn.core.tensorboard.TbImporter;
import dev.cairn.core.tracking.H2TrackingStore;
import dev.cairn.core.tracking.TrackingStoreException;
import dev.cairn.core.tracking.media.H2MediaStore;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.http.TensorBoardImportRoutes;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn import-tb LOGDIR}: TensorBoard event files into runs, once or following a live log
 * directory.
 */
@Command(
    name = "import-tb",
    description = {
      "Import a TensorBoard log directory: one run per directory holding events.out.tfevents.* files",
      "(scalars, images, histograms, text, hparams as params). Importing again appends only what is new;",
      "records failing their CRC checks are skipped and counted."
    })
final class ImportTbCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin ServerOption server;

  @Parameters(index = "0", paramLabel = "LOGDIR", description = "TensorBoard log directory.")
  Path logdir;

  @Option(
      names = "--experiment",
      paramLabel = "E",
      defaultValue = "tensorboard",
      description = "Experiment of the imported runs (default: ${DEFAULT-VALUE}).")
  String experiment;

  @Option(
      names = "--follow",
      description =
          "Keep polling for new and grown event files, as TensorBoard reloads (Ctrl-C to stop).")
  boolean follow;

  @Option(
      names = "--interval",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description = "Seconds between polls with --follow (default: ${DEFAULT-VALUE}).")
  double interval;

  @Option(names = "--json", description = "Print each pass's summary as one JSON object.")
  boolean json;

  private boolean firstPass = true;

  @Override
  public Integer call() throws Exception {
    if (interval <= 0 || interval > 3600) {
      System.err.println("error: --interval must be in (0, 3600] seconds, got " + interval);
      return CairnCli.USAGE;
    }
    if (!Files.isDirectory(logdir)) {
      System.err.println(
          "error: log directory " + logdir + " does not exist or is not a directory");
      return 1;
    }
    Optional<Integer> viaServer = server.through(common, this::throughServer);
    if (viaServer.isPresent()) {
      return viaServer.get();
    }
    CairnOptions options = common.resolve();
    H2TrackingStore store;
    try {
      store =
          options.jdbcUrl() == null
              ? H2TrackingStore.openInDirectory(options.dataDir())
              : H2TrackingStore.open(
                  options.jdbcUrl(),
                  System.getenv().getOrDefault("CAIRN_JDBC_USER", "sa"),
                  System.getenv().getOrDefault("CAIRN_JDBC_PASSWORD", ""));
    } catch (TrackingStoreException | IllegalArgumentException e) {
      String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      String server =
          msg.contains("locked") || msg.contains("already in use")
              ? ServerFile.liveUrl(options.dataDir()).orElse(null)
              : null;
      if (server != null) {
        System.err.println(PlatformCommand.inUseByServer(server, options.dataDir()));
        return 1;
      }
      System.err.println(
          "error: cannot open the tracking database in "
              + options.dataDir()
              + (msg.contains("locked") || msg.contains("already in use")
                  ? ": it is in use by another Cairn process"
                  : ": " + msg));
      return 1;
    }
    TbImporter importer =
        new TbImporter(store, new H2MediaStore(store.database()), store.database());
    CountDownLatch done = new CountDownLatch(1);
    final boolean[] stopping = {false};
    Thread hook =
        new Thread(
            () -> {
              synchronized (stopping) {
                stopping[0] = true;
              }
              try {
                done.await(
                    30,
                    TimeUnit
                        .SECONDS); // the pass in progress stops after its current file and closes
                // the store
              } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
              }
            },
            "cairn-import-tb-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      while (true) {
        boolean quiet = json || !firstPass; // --follow: progress lines on the first pass only
        TbImporter.Summary s =
            importer.importOnce(
                logdir,
                experiment,
                line -> {
                  if (!quiet) {
                    System.err.println(line);
                  }
                },
                () -> {
                  synchronized (stopping) {
                    return stopping[0];
                  }
                });
        if (json || firstPass || s.events() > 0 || s.corrupt() > 0) {
          print(s); // --follow prints a pass that found something (--json: every pass)
        }
        firstPass = false;
        synchronized (stopping) {
          if (!follow || stopping[0]) {
            break;
          }
        }
        if (!sleepUnlessStopped(stopping)) {
          break;
        }
      }
      return 0;
    } catch (TbImporter.ImportException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    } finally {
      store.close();
      done.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it waits for the latch counted down above
      }
    }
  }

  /**
   * The server imports (POST /api/tensorboard/import, one pass per request) from the same log
   * directory, which it reads on its own machine: the one the data directory is on.
   */
  private int throughServer(ServerLink link) {
    String absolute = logdir.toAbsolutePath().normalize().toString();
    System.err.println("importing through the server at " + link.url());
    final boolean[] stopping = {false};
    Thread hook =
        new Thread(
            () -> {
              synchronized (stopping) {
                stopping[0] = true;
              }
            },
            "cairn-import-tb-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      while (true) {
        JsonObject answer =
            link.post(
                "/api/tensorboard/import",
                new JsonObject().put("logdir", absolute).put("experiment", experiment));
        TbImporter.Summary s = TensorBoardImportRoutes.fromJson(answer);
        if (json || firstPass || s.events() > 0 || s.corrupt() > 0) {
          print(s);
        }
        firstPass = false;
        synchronized (stopping) {
          if (!follow || stopping[0]) {
            break;
          }
        }
        if (!sleepUnlessStopped(stopping)) {
          break;
        }
      }
      return 0;
    } catch (ServerLink.Refused e) {
      System.err.println("error: " + e.getMessage());
      return e.status / 100 == 4 ? CairnCli.USAGE : 1;
    } catch (ServerLink.Unreachable e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running
      }
    }
  }

  /** Sleeps {@code interval} in short naps; false when a stop came first. */
  private boolean sleepUnlessStopped(boolean[] stopping) {
    long until = System.nanoTime() + (long) (interval * 1e9);
    while (System.nanoTime() < until) {
      synchronized (stopping) {
        if (stopping[0]) {
          return false;
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private void print(TbImporter.Summary s) {
    if (json) {
      System.out.println(TensorBoardImportRoutes.toJson(logdir.toString(), s).encode());
      return;
    }
    for (String note : s.notes()) {
      System.err.println("note: " + note);
    }
    System.out.printf(
        Locale.ROOT,
        "imported %d events from %d files into %d runs (%d new) of experiment '%s': %d scalars, %d images,"
            + " %d histograms, %d texts, %d params; %d corrupt records skipped%s%n",
        s.events(),
        s.files(),
        s.runs(),
        s.newRuns(),
        experiment,
        s.scalars(),
        s.images(),
        s.histograms(),
        s.texts(),
        s.params(),
        s.corrupt(),
        s.pendingBytes() > 0
            ? "; " + s.pendingBytes() + " bytes of unfinished records left for the next import"
            : "");
  }
}
