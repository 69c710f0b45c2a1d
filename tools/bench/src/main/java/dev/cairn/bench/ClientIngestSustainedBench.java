package dev.cairn.bench;

import dev.cairn.client.CairnClient;
import dev.cairn.client.EndStatus;
import dev.cairn.client.Run;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiVerticle;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sustained ingest from one Java client over loopback: a producer paced at a fixed rate (points per
 * second, one tick of points per millisecond) for a number of seconds, through {@code log(tag,
 * step, value, wall)} per point and through the block API, into a real server in the same JVM.
 * Prints per second the points offered and acknowledged, the client's queue depth, the points
 * dropped and {@code /proc/loadavg}; at the end the totals, the delivered rate from the first
 * {@code log} to {@code end} returning (every batch acknowledged as durable) and the points the
 * server's store holds for the run. A benchmark, not a test: it prints figures and asserts nothing.
 *
 * <p>Usage: {@code ClientIngestSustainedBench [rate=1000000] [seconds=30] [tags=10] [inFlight=4]
 * [api=both|points|blocks]}, or {@code ClientIngestSustainedBench search [seconds=10] [tags=10]
 * [inFlight=4] [rates=500000,1000000,1500000,2000000,3000000] [api=both]}: the highest paced rate
 * with no point dropped, per API (it stops at the first rate that drops).
 */
public final class ClientIngestSustainedBench {
  private ClientIngestSustainedBench() {}

  /** What one paced window gave. */
  record Result(
      String api,
      long rate,
      long offered,
      long sent,
      long dropped,
      long stored,
      double seconds,
      double producerSeconds) {}

  public static void main(String[] args) throws Exception {
    boolean search = args.length > 0 && args[0].equals("search");
    String[] a = search ? Arrays.copyOfRange(args, 1, args.length) : args;
    long rate = 1_000_000;
    int seconds;
    int tags;
    int inFlight;
    String api;
    List<Long> rates = new ArrayList<>();
    if (search) {
      seconds = a.length > 0 ? Integer.parseInt(a[0]) : 10;
      tags = a.length > 1 ? Integer.parseInt(a[1]) : 10;
      inFlight = a.length > 2 ? Integer.parseInt(a[2]) : 4;
      String list = a.length > 3 ? a[3] : "500000,1000000,1500000,2000000,3000000";
      for (String r : list.split(",")) {
        rates.add(Long.parseLong(r.trim()));
      }
      api = a.length > 4 ? a[4] : "both";
    } else {
      rate = a.length > 0 ? Long.parseLong(a[0]) : 1_000_000;
      seconds = a.length > 1 ? Integer.parseInt(a[1]) : 30;
      tags = a.length > 2 ? Integer.parseInt(a[2]) : 10;
      inFlight = a.length > 3 ? Integer.parseInt(a[3]) : 4;
      api = a.length > 4 ? a[4] : "both";
    }
    if (!api.equals("both") && !api.equals("points") && !api.equals("blocks")) {
      throw new IllegalArgumentException("api is both, points or blocks; got '" + api + "'");
    }
    Path dir = Files.createTempDirectory("cairn-client-sustained");
    System.out.printf(
        Locale.ROOT,
        "ClientIngestSustainedBench %s: %d tags, %d s per window, %d requests in flight,"
            + " Java %s, %d cores, load %s%n",
        search ? "search " + rates : "rate " + rate + " points/s",
        tags,
        seconds,
        inFlight,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        load());
    try (Platform platform =
        Platform.start(
            new CairnOptions(dir.resolve("server"), null, dir.resolve("no-plugins"), true))) {
      ApiVerticle server = new ApiVerticle(platform, "127.0.0.1", 0);
      platform
          .vertx()
          .deployVerticle(server)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      URI base = URI.create("http://127.0.0.1:" + server.actualPort());
      try (CairnClient client =
          CairnClient.builder()
              .setServer(base)
              .optRequestsInFlight(inFlight)
              // end() waits until every batch is durable, however far behind the sender is
              .optCloseTimeout(Duration.ofMinutes(30))
              .build()) {
        // warm-up: 2 s at a quarter of the (first) rate through both APIs, not reported
        long warm = (search ? rates.get(0) : rate) / 4;
        paced(platform, client, "points", warm, 2, tags, false);
        paced(platform, client, "blocks", warm, 2, tags, false);
        List<Result> results = new ArrayList<>();
        List<String> apis = api.equals("both") ? List.of("points", "blocks") : List.of(api);
        if (search) {
          for (String which : apis) {
            long best = 0;
            for (long r : rates) {
              Result res = paced(platform, client, which, r, seconds, tags, true);
              results.add(res);
              if (res.dropped() > 0 || res.stored() != res.offered()) {
                break;
              }
              best = r;
            }
            System.out.printf(
                Locale.ROOT,
                "%s: highest paced rate with no point dropped over %d s: %,d points/s; load %s%n",
                which,
                seconds,
                best,
                load());
          }
        } else {
          for (String which : apis) {
            results.add(paced(platform, client, which, rate, seconds, tags, true));
          }
        }
        System.out.println();
        System.out.printf(
            Locale.ROOT,
            "%-7s %10s %11s %11s %9s %11s %8s %13s %13s%n",
            "api",
            "target/s",
            "offered",
            "sent",
            "dropped",
            "stored",
            "seconds",
            "offered/s",
            "delivered/s");
        for (Result r : results) {
          System.out.printf(
              Locale.ROOT,
              "%-7s %,10d %,11d %,11d %,9d %,11d %8.2f %,13.0f %,13.0f%n",
              r.api(),
              r.rate(),
              r.offered(),
              r.sent(),
              r.dropped(),
              r.stored(),
              r.seconds(),
              r.offered() / r.producerSeconds(),
              r.sent() / r.seconds());
        }
        System.out.printf("load at the end %s%n", load());
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted((x, y) -> y.compareTo(x)).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * One window: every millisecond the points due by then (rate x elapsed, whole steps of all tags),
   * per point or as one block per tag; then {@code end} and a count of what the store holds.
   */
  private static Result paced(
      Platform platform,
      CairnClient client,
      String api,
      long rate,
      int seconds,
      int tags,
      boolean report) {
    String[] names = new String[tags];
    for (int t = 0; t < tags; t++) {
      names[t] = "train/metric" + t;
    }
    Run run =
        client.startRun("bench", "sustained-" + api + "-" + rate, Map.of("rate", rate), Map.of());
    AtomicLong offered = new AtomicLong();
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sustained-report");
              t.setDaemon(true);
              return t;
            });
    if (report) {
      System.out.printf(
          Locale.ROOT,
          "%n%s at %,d points/s for %d s (%d tags)%n%4s %11s %11s %11s %9s  %s%n",
          api,
          rate,
          seconds,
          tags,
          "s",
          "offered",
          "sent",
          "queue",
          "dropped",
          "loadavg");
      long[] last = new long[3];
      int[] second = new int[1];
      ticker.scheduleAtFixedRate(
          () -> {
            long o = offered.get();
            long s = run.sentPoints();
            long d = run.droppedPoints();
            System.out.printf(
                Locale.ROOT,
                "%4d %,11d %,11d %,11d %,9d  %s%n",
                ++second[0],
                o - last[0],
                s - last[1],
                client.queuedItems(),
                d - last[2],
                load());
            last[0] = o;
            last[1] = s;
            last[2] = d;
          },
          1,
          1,
          TimeUnit.SECONDS);
    }
    long stepsTotal = rate * seconds / tags;
    long[] blockSteps = new long[0];
    long[] blockWalls = new long[0];
    double[][] blockValues = new double[tags][0];
    long start = System.nanoTime();
    long step = 0;
    for (long tick = 1; step < stepsTotal; tick++) {
      long due = start + tick * 1_000_000L;
      long now;
      while ((now = System.nanoTime()) < due) {
        LockSupport.parkNanos(due - now);
      }
      // the steps due by this tick; a producer that fell behind catches up here
      long until = Math.min(stepsTotal, (long) ((double) rate / tags * tick / 1_000));
      int n = (int) (until - step);
      if (n <= 0) {
        continue;
      }
      long wall = System.currentTimeMillis();
      if (api.equals("points")) {
        for (long s = step; s < until; s++) {
          for (int t = 0; t < tags; t++) {
            run.log(names[t], s, value(t, s), wall);
          }
        }
      } else {
        if (blockSteps.length != n) {
          blockSteps = new long[n];
          blockWalls = new long[n];
          blockValues = new double[tags][n];
        }
        for (int i = 0; i < n; i++) {
          blockSteps[i] = step + i;
          blockWalls[i] = wall;
          for (int t = 0; t < tags; t++) {
            blockValues[t][i] = value(t, step + i);
          }
        }
        for (int t = 0; t < tags; t++) {
          run.log(names[t], blockSteps, blockValues[t], blockWalls); // the run copies them
        }
      }
      offered.addAndGet((long) n * tags);
      step = until;
    }
    double producerSeconds = (System.nanoTime() - start) / 1e9;
    run.end(EndStatus.FINISHED);
    double secondsToDurable = (System.nanoTime() - start) / 1e9;
    ticker.shutdownNow();
    long sent = run.sentPoints(); // before the count: what was acknowledged by then is stored
    long stored = platform.store().series(run.id()).stream().mapToLong(s -> s.count()).sum();
    Result r =
        new Result(
            api,
            rate,
            offered.get(),
            sent,
            run.droppedPoints(),
            stored,
            secondsToDurable,
            producerSeconds);
    if (report) {
      System.out.printf(
          Locale.ROOT,
          "%s at %,d points/s: offered %,d in %.2f s (%,.0f/s), sent %,d, dropped %,d, stored %,d;"
              + " delivered %,.0f points/s from the first log to end() returning (%.2f s);"
              + " load %s%n",
          api,
          rate,
          r.offered(),
          producerSeconds,
          r.offered() / producerSeconds,
          r.sent(),
          r.dropped(),
          stored,
          r.sent() / secondsToDurable,
          secondsToDurable,
          load());
    }
    return r;
  }

  private static double value(int tag, long step) {
    return Math.exp(-step / 5_000.0) + tag + Math.sin(step) * 0.05;
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
