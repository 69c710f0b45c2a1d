package dev.cairn.server.cli;

import dev.cairn.bench.TrainingOverheadBench;
import dev.cairn.core.spec.LoggingOptions;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.core.training.EpochSummary;
import dev.cairn.core.training.ProgressObserver;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.RunOutcome;
import dev.cairn.server.http.ApiVerticle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Seconds per epoch of the same MLP trained with the embedded store (the run service, event bus,
 * store writer) and through a server's tracking API the way {@code cairn run} does while {@code
 * cairn serve} runs ({@link ServerRun}: the Java client over loopback into a real ApiVerticle),
 * alternating A B B A so that machine load hits both. Both in one JVM (one PyTorch engine); the
 * first epoch of each run is warm-up and dropped. A benchmark: it prints, asserts nothing.
 *
 * <p>Usage: {@code tools/bench/run cli-server [rounds=2] [epochs=3]}
 */
public final class CliThroughServerBench {
  private CliThroughServerBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dataDir = Files.createTempDirectory("cairn-bench");
    List<Double> embedded = new ArrayList<>();
    List<Double> server = new ArrayList<>();
    System.out.printf(
        Locale.ROOT,
        "CliThroughServerBench: %d rounds x %d epochs, %d cores, load %s%n",
        rounds,
        epochs,
        Runtime.getRuntime().availableProcessors(),
        load());
    CairnOptions options = new CairnOptions(dataDir, null, null, true);
    try (Platform platform = Platform.start(options)) {
      ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0);
      platform
          .vertx()
          .deployVerticle(api)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      ServerLink link = new ServerLink("http://127.0.0.1:" + api.actualPort(), null);
      ResolvedSpec spec =
          platform
              .runs()
              .resolve(
                  SpecParser.parse(
                      String.format(
                          Locale.ROOT,
                          TrainingOverheadBench.SPEC,
                          epochs,
                          LoggingOptions.DEFAULT_SYSTEM_EVERY_SECONDS),
                      "bench"));
      try (ServerRun runner = new ServerRun(link, options, platform.plugins())) {
        for (int r = 1; r <= rounds; r++) {
          List<Double> a;
          List<Double> b;
          if (r % 2 == 1) {
            a = TrainingOverheadBench.viaCairn(platform, spec);
            b = viaServer(runner, spec);
          } else {
            b = viaServer(runner, spec);
            a = TrainingOverheadBench.viaCairn(platform, spec);
          }
          System.out.printf(
              Locale.ROOT,
              "round %d  embedded %s  through the server %s  (load %s)%n",
              r,
              a,
              b,
              load());
          embedded.addAll(a.subList(1, a.size()));
          server.addAll(b.subList(1, b.size()));
        }
      }
    }
    double me = TrainingOverheadBench.median(embedded);
    double ms = TrainingOverheadBench.median(server);
    System.out.printf(
        Locale.ROOT, "%nMLP 784-256-10, Fashion-MNIST 60k, batch 256, CPU; median s/epoch%n");
    System.out.printf(Locale.ROOT, "%-34s %8.3f%n", "embedded store", me);
    System.out.printf(Locale.ROOT, "%-34s %8.3f%n", "through the server (cairn-cli)", ms);
    System.out.printf(
        Locale.ROOT, "%-34s %8.3f  (goal <= 1.03)%n", "ratio server / embedded", ms / me);
  }

  private static List<Double> viaServer(ServerRun runner, ResolvedSpec spec) {
    List<Double> times = new ArrayList<>();
    RunOutcome o =
        runner.train(
            spec,
            null,
            new ProgressObserver() {
              @Override
              public void onEpoch(EpochSummary s) {
                times.add(s.trainSeconds());
              }
            });
    if (o.result() == null) {
      throw new IllegalStateException("run through the server failed: " + o.error());
    }
    return times;
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "?";
    }
  }
}
