package dev.cairn.server.cli;

import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/** Starts a {@link Platform} for a command and closes it once, on return or on Ctrl-C. */
final class PlatformCommand {
  private PlatformCommand() {}

  static final class Handle implements AutoCloseable {
    final Platform platform;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread hook;

    private Handle(Platform platform) {
      this.platform = platform;
      this.hook = new Thread(this::closeOnSignal, "cairn-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Ctrl-C or SIGTERM: one line, then the runs stop after their batch, flush and end KILLED. */
    private void closeOnSignal() {
      var active = platform.runs().activeRuns();
      if (!closed.get() && !active.isEmpty()) {
        if (System.console() != null) {
          System.err.println(); // past the progress bar
        }
        System.err.println(
            "stopping: run "
                + String.join(", ", active)
                + " stops after its current batch and is marked KILLED");
        System.err.flush();
      }
      closeOnce();
    }

    /** Whether the platform is closing or closed (a signal's hook may be closing it now). */
    boolean closing() {
      return closed.get();
    }

    private void closeOnce() {
      if (closed.compareAndSet(false, true)) {
        platform.close();
      }
    }

    @Override
    public void close() {
      closeOnce();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook is running or has run
      }
    }
  }

  /** The line a command that cannot work through a server prints while one owns the store. */
  static String inUseByServer(String url, Path dataDir) {
    return "error: the Cairn server at "
        + url
        + " owns the tracking database in "
        + dataDir
        + "; this command does not work through a server yet: use its REST API (docs/api.md) or the dashboard,"
        + " or stop the server";
  }

  /** Starts the platform or prints why it cannot and returns null. */
  static Handle start(CairnOptions options) {
    return start(options, Vertx::vertx);
  }

  /**
   * As {@link #start(CairnOptions)} on a Vert.x made by {@code vertxFactory} (clustered for serve
   * --cluster).
   */
  static Handle start(CairnOptions options, Function<VertxOptions, Vertx> vertxFactory) {
    try {
      Platform platform = Platform.start(options, vertxFactory);
      if (platform.abandonedRuns() > 0) {
        System.err.printf(
            "note: %d run(s) left unfinished by an earlier process were marked FAILED%n",
            platform.abandonedRuns());
      }
      return new Handle(platform);
    } catch (Exception e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String msg = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
      if (msg.contains("already in use") || msg.contains("locked")) {
        String server = ServerFile.liveUrl(options.dataDir()).orElse(null);
        if (server != null) {
          System.err.println(inUseByServer(server, options.dataDir()));
          return null;
        }
        System.err.println(
            "error: the tracking database in "
                + options.dataDir()
                + " is in use by another Cairn process; stop it, or use another --data-dir, or share it through an H2 server (--jdbc-url)");
      } else {
        System.err.println(
            "error: could not start Cairn with data directory " + options.dataDir() + ": " + msg);
      }
      return null;
    }
  }
}
