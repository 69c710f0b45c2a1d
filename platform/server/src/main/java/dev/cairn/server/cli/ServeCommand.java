package dev.cairn.server.cli;

import dev.cairn.core.security.Scope;
import dev.cairn.server.Platform;
import dev.cairn.server.cluster.ClusterOptions;
import dev.cairn.server.http.ApiVerticle;
import dev.cairn.server.http.ArtifactRoutes;
import dev.cairn.server.http.AuthSettings;
import dev.cairn.server.http.ServerLimits;
import dev.cairn.server.http.UploadBudget;
import dev.cairn.server.sweep.SweepControllerVerticle;
import dev.cairn.server.sweep.SweepHead;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cairn serve}: the REST API (and, later, the dashboard) until Ctrl-C. */
@Command(
    name = "serve",
    description = "Serve the REST API over the recorded runs until stopped (Ctrl-C).")
final class ServeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin ThreadsOption threads;

  @Mixin ServePolicy policy;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "HTTP port (default ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Interface to bind (default ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--cluster",
      description =
          "Be the head of a cluster: workers (cairn worker --cluster --join HOST:PORT) train the sweep trials.")
  boolean cluster;

  @Mixin ClusterSecretOption clusterSecret;

  @Option(
      names = "--cluster-host",
      defaultValue = "127.0.0.1",
      description = "Interface the cluster member binds and advertises (default ${DEFAULT-VALUE}).")
  String clusterHost;

  @Option(
      names = "--cluster-port",
      defaultValue = "" + ClusterOptions.DEFAULT_PORT,
      description = "Port workers join (default ${DEFAULT-VALUE}).")
  int clusterPort;

  @Option(
      names = "--slots",
      description =
          "Sweep trials this process trains at once (default 1; 0 with --cluster: workers train).")
  Integer slots;

  @Option(
      names = "--worker-timeout",
      defaultValue = "10",
      paramLabel = "SECONDS",
      description =
          "Silence of a worker after which its trials are re-queued (default ${DEFAULT-VALUE} s).")
  int workerTimeout;

  @Option(
      names = "--data-root",
      paramLabel = "DIR",
      description =
          "A folder paths in submitted specs may read (csv files, image folders), besides the data"
              + " directory; repeatable (env CAIRN_DATA_ROOTS, separated by '${sys:path.separator}').")
  List<Path> dataRoots = new ArrayList<>();

  @Option(
      names = "--idle-timeout",
      defaultValue = "60",
      paramLabel = "SECONDS",
      description = "Close a connection silent this long (default ${DEFAULT-VALUE} s).")
  int idleTimeout;

  @Option(
      names = "--request-timeout",
      defaultValue = "30",
      paramLabel = "SECONDS",
      description =
          "Close a connection that has not sent a full request head this long after opening or"
              + " after its last response (default ${DEFAULT-VALUE} s).")
  int requestTimeout;

  @Option(
      names = "--max-connections",
      defaultValue = "1000",
      paramLabel = "N",
      description = "Open connections beyond this are closed at once (default ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(
      names = "--max-epochs",
      defaultValue = "1000",
      paramLabel = "N",
      description = "Most epochs a run submitted over REST may train (default ${DEFAULT-VALUE}).")
  int maxEpochs;

  @Option(
      names = "--max-queued-runs",
      defaultValue = "100",
      paramLabel = "N",
      description =
          "Runs one owner (token) may have queued, sweep trials included; a run or sweep submitted"
              + " beyond it gets 429 (default ${DEFAULT-VALUE}).")
  int maxQueuedRuns;

  @Option(
      names = "--max-artifact-bytes",
      defaultValue = "1g",
      paramLabel = "SIZE",
      description =
          "Largest artifact upload, in bytes or with a suffix k, m, g (KiB, MiB, GiB; default ${DEFAULT-VALUE}); larger ones get 413.")
  String maxArtifactBytes;

  @Option(
      names = "--max-upload-bytes-in-flight",
      paramLabel = "BYTES",
      description =
          "Request-body bytes all uploads together may hold at once; more get 429 with Retry-After"
              + " (default: a quarter of the heap).")
  Long maxUploadBytes;

  @Option(
      names = "--max-parameters",
      defaultValue = "" + ServerLimits.DEFAULT_MAX_PARAMETERS,
      paramLabel = "N",
      description =
          "Most model parameters a run submitted over REST may have, estimated from its spec"
              + " (default ${DEFAULT-VALUE}).")
  long maxParameters;

  @Option(
      names = "--max-model-memory",
      paramLabel = "BYTES",
      description =
          "Most memory a submitted run's model is estimated to need for training"
              + " (default: a quarter of the machine's memory).")
  Long maxModelMemory;

  @Override
  public Integer call() throws Exception {
    if (!threads.apply()) {
      return CairnCli.USAGE;
    }
    if (workerTimeout < 1 || (slots != null && slots < 0)) {
      System.err.println("error: --worker-timeout must be at least 1 and --slots at least 0");
      return CairnCli.USAGE;
    }
    if (idleTimeout < 1
        || requestTimeout < 1
        || maxConnections < 1
        || maxEpochs < 1
        || maxQueuedRuns < 1) {
      System.err.println(
          "error: --idle-timeout, --request-timeout, --max-connections, --max-epochs and"
              + " --max-queued-runs must be at least 1");
      return CairnCli.USAGE;
    }
    if ((maxUploadBytes != null && maxUploadBytes < 1)
        || maxParameters < 1
        || (maxModelMemory != null && maxModelMemory < 1)) {
      System.err.println(
          "error: --max-upload-bytes-in-flight, --max-parameters and --max-model-memory must be at least 1");
      return CairnCli.USAGE;
    }
    long artifactLimit;
    try {
      artifactLimit = parseSize(maxArtifactBytes);
    } catch (IllegalArgumentException e) {
      System.err.println("error: --max-artifact-bytes: " + e.getMessage());
      return CairnCli.USAGE;
    }
    List<Path> roots = new ArrayList<>(ServerLimits.rootsFromEnvironment());
    roots.addAll(dataRoots);
    ServerLimits limits =
        new ServerLimits(
            roots,
            idleTimeout,
            requestTimeout,
            maxConnections,
            maxEpochs,
            maxQueuedRuns,
            maxUploadBytes != null ? maxUploadBytes : UploadBudget.defaultMaxBytes(),
            maxParameters,
            maxModelMemory != null ? maxModelMemory : ServerLimits.defaultMaxModelMemory());
    ClusterOptions clusterOptions =
        cluster ? clusterSecret.options(clusterHost, clusterPort, List.of()) : null;
    if (cluster && clusterOptions == null) {
      return CairnCli.USAGE;
    }
    PlatformCommand.Handle handle =
        cluster
            ? PlatformCommand.start(common.resolve(), clusterOptions::startVertx)
            : PlatformCommand.start(common.resolve());
    if (handle == null) {
      return 1;
    }
    try (handle) {
      AuthSettings auth = policy.decide(host, handle.platform.security().tokenCount());
      if (auth == null) {
        return CairnCli.USAGE;
      }
      int localSlots = slots != null ? slots : cluster ? 0 : 1;
      SweepHead.deploy(
          handle.platform,
          new SweepControllerVerticle.Settings(workerTimeout * 1000L, true),
          localSlots);
      if (cluster) {
        System.err.printf(
            "cluster head on %s:%d (workers: cairn worker --cluster --join %s:%d)%n",
            clusterHost, clusterPort, clusterHost, clusterPort);
      }
      serveUntilStopped(handle.platform, host, port, auth, limits, artifactLimit);
      return 0;
    }
  }

  /** Serves on a loopback {@code host}: open without tokens, tokens required once one exists. */
  static void serveUntilStopped(Platform platform, String host, int port) throws Exception {
    int tokens =
        platform
            .vertx()
            .executeBlocking(() -> platform.security().tokenCount())
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    serveUntilStopped(
        platform,
        host,
        port,
        new AuthSettings(tokens > 0, false, List.of(), AuthSettings.DEFAULT_WRITES_PER_MINUTE),
        ServerLimits.DEFAULTS);
  }

  static void serveUntilStopped(
      Platform platform, String host, int port, AuthSettings auth, ServerLimits limits)
      throws Exception {
    serveUntilStopped(platform, host, port, auth, limits, ArtifactRoutes.DEFAULT_MAX_BYTES);
  }

  static void serveUntilStopped(
      Platform platform,
      String host,
      int port,
      AuthSettings auth,
      ServerLimits limits,
      long maxArtifactBytes)
      throws Exception {
    ApiVerticle api =
        new ApiVerticle(platform, host, port, auth, limits).maxArtifactBytes(maxArtifactBytes);
    platform
        .vertx()
        .deployVerticle(api)
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    // other commands on this data directory find the server from now on; announced once in place
    advertise(platform, host, api.actualPort(), auth.authRequired());
    System.err.printf("serving http://%s:%d/api/runs (Ctrl-C to stop)%n", host, api.actualPort());
    System.err.printf("dashboard: http://%s:%d/%n", host, api.actualPort());
    System.err.println(
        auth.authRequired()
            ? "authentication: tokens required"
                + (auth.publicRead() ? " for writes (reads are public)" : "")
            : "authentication: none (loopback without tokens, or --insecure-no-auth)");
    System.err.flush();
    new CountDownLatch(1)
        .await(); // until the JVM shuts down; the shutdown hook closes the platform
  }

  /** {@code 1048576}, {@code 512k}, {@code 64m}, {@code 2g} (binary units) -> bytes, at least 1. */
  static long parseSize(String raw) {
    String s = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (s.endsWith("k") || s.endsWith("m") || s.endsWith("g")) {
      unit =
          switch (s.charAt(s.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            default -> 1L << 30;
          };
      s = s.substring(0, s.length() - 1);
    }
    long n;
    try {
      n = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + raw + "' is not a size; give bytes or a number with k, m or g, e.g. 512m");
    }
    if (n < 1 || n > Long.MAX_VALUE / unit) {
      throw new IllegalArgumentException("'" + raw + "' is out of range; at least 1 byte");
    }
    return n * unit;
  }

  /** Name prefix of the token a server writes for local commands (replaced at each start). */
  static final String LOCAL_TOKEN_PREFIX = "local-cli-";

  /**
   * Writes the discovery file (and, when tokens are required, a write token for local commands
   * readable by the owner only) so that other commands on this data directory work through this
   * server; both go on a clean exit. A server without a data directory of its own (--jdbc-url)
   * still writes them into the data directory the commands look in.
   */
  private static void advertise(Platform platform, String host, int port, boolean authRequired) {
    Path dataDir = platform.options().dataDir();
    String local =
        host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1" : host;
    String url =
        "http://"
            + (local.contains(":") && !local.startsWith("[") ? "[" + local + "]" : local)
            + ":"
            + port;
    try {
      if (authRequired) {
        var security = platform.security();
        for (var t : security.listTokens()) {
          if (t.name().startsWith(LOCAL_TOKEN_PREFIX) && t.revokedAt() == null) {
            security.revokeToken(t.name()); // an earlier server's, left by a crash
          }
        }
        var issued =
            security.createToken(
                LOCAL_TOKEN_PREFIX + System.currentTimeMillis(), Scope.WRITE, null);
        ServerFile.writeToken(dataDir, issued.token());
      }
      ServerFile.write(dataDir, url);
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> ServerFile.deleteIfOurs(dataDir), "cairn-server-file"));
    } catch (IOException | RuntimeException e) {
      System.err.println(
          "warning: could not write "
              + dataDir.resolve(ServerFile.NAME)
              + " ("
              + e.getMessage()
              + "); other commands on this data directory will not find this server");
    }
  }
}
