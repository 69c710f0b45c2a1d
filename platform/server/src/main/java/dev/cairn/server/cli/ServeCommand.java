package dev.cairn.server.cli;

import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiVerticle;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cairn serve}: the REST API (and, later, the dashboard) until Ctrl-C. */
@Command(name = "serve", description = "Serve the REST API over the recorded runs until stopped (Ctrl-C).")
final class ServeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to bind (default ${DEFAULT-VALUE}).")
  String host;

  @Override
  public Integer call() throws Exception {
    PlatformCommand.Handle handle = PlatformCommand.start(common.resolve());
    if (handle == null) {
      return 1;
    }
    try (handle) {
      serveUntilStopped(handle.platform, host, port);
      return 0;
    }
  }

  static void serveUntilStopped(Platform platform, String host, int port) throws Exception {
    ApiVerticle api = new ApiVerticle(platform, host, port);
    platform.vertx().deployVerticle(api).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.err.printf("serving http://%s:%d/api/runs (Ctrl-C to stop)%n", host, api.actualPort());
    System.err.printf("dashboard: http://%s:%d/%n", host, api.actualPort());
    System.err.flush();
    new CountDownLatch(1).await(); // until the JVM shuts down; the shutdown hook closes the platform
  }
}
