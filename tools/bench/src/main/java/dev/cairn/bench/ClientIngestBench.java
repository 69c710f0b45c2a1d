package dev.cairn.bench;

import dev.cairn.client.CairnClient;
import dev.cairn.client.EndStatus;
import dev.cairn.client.Run;
import dev.cairn.core.tracking.H2TrackingStore;
import dev.cairn.core.tracking.NewRun;
import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.ScalarSeries;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiVerticle;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Batch ingest from one Java client ({@code platform/client}) over loopback into a real server
 * (Platform + ApiVerticle, tracking API, store writer, durable answers) against the in-process
 * chunked writer ({@link H2TrackingStore#writeScalars} + {@code flush}) in the same process, rounds
 * alternating A B B A. A benchmark, not a test: it prints figures and asserts nothing.
 *
 * <p>Usage: {@code ClientIngestBench [tags=10] [steps=100000] [rounds=2] [inFlight=4]}. The
 * client's time runs from its first {@code log} until {@code end} returned, which is after the
 * server acknowledged every batch as durable. The in-process writer flushes (commit + CHECKPOINT)
 * every 50,000 points, the client's batch size, so both are as durable.
 */
public final class ClientIngestBench {
  private static final int WRITER_BATCH = 1_000;
  private static final int FLUSH_EVERY = 50_000;

  private ClientIngestBench() {}

  public static void main(String[] args) throws Exception {
    int tags = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int inFlight = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    Path dir = Files.createTempDirectory("cairn-client-bench");
    System.out.printf(
        "ClientIngestBench: %d tags x %,d steps = %,d points per round, %d requests in flight,"
            + " Java %s, %d cores, load %s%n",
        tags,
        steps,
        (long) tags * steps,
        inFlight,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        load());
    try (Platform platform =
            Platform.start(
                new CairnOptions(dir.resolve("server"), null, dir.resolve("no-plugins"), true));
        H2TrackingStore local = H2TrackingStore.openInDirectory(dir.resolve("local"))) {
      ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0);
      platform
          .vertx()
          .deployVerticle(api)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      URI base = URI.create("http://127.0.0.1:" + api.actualPort());
      try (CairnClient client =
          CairnClient.builder().setServer(base).optRequestsInFlight(inFlight).build()) {
        // warm-up of both paths, so that the JIT favours neither
        viaClient(client, tags, steps / 10);
        inProcess(local, tags, steps / 10);
        viaClientBlocks(client, tags, steps / 10);
        List<Double> clientRates = new ArrayList<>();
        List<Double> blockRates = new ArrayList<>();
        List<Double> localRates = new ArrayList<>();
        List<Double> localSeriesRates = new ArrayList<>();
        inProcessSeries(local, tags, steps / 10);
        for (int r = 0; r < rounds; r++) {
          if (r % 2 == 0) {
            clientRates.add(viaClient(client, tags, steps));
            blockRates.add(viaClientBlocks(client, tags, steps));
            localRates.add(inProcess(local, tags, steps));
            localSeriesRates.add(inProcessSeries(local, tags, steps));
          } else {
            localSeriesRates.add(inProcessSeries(local, tags, steps));
            localRates.add(inProcess(local, tags, steps));
            blockRates.add(viaClientBlocks(client, tags, steps));
            clientRates.add(viaClient(client, tags, steps));
          }
          System.out.printf("round %d done, load %s%n", r + 1, load());
        }
        double c = median(clientRates);
        double b = median(blockRates);
        double l = median(localRates);
        System.out.println();
        System.out.printf(
            "%-52s %s%n", "Java client, log(tag, step, value), points/s", fmt(clientRates));
        System.out.printf(
            "%-52s %s%n", "Java client, log(tag, steps[], values[]), points/s", fmt(blockRates));
        System.out.printf(
            "%-52s %s%n", "in-process chunked writer, writeScalars, points/s", fmt(localRates));
        System.out.printf(
            "%-52s %s%n",
            "in-process chunked writer, writeScalarSeries, points/s", fmt(localSeriesRates));
        System.out.printf(
            "median: client %,.0f (%.2f of in-process), client blocks %,.0f (%.2f), in-process %,.0f;"
                + " dropped %d; load %s%n",
            c, c / l, b, b / l, l, client.droppedPoints(), load());
        double ls = median(localSeriesRates);
        System.out.printf(
            "median in-process writeScalarSeries %,.0f: client %.2f of it, client blocks %.2f%n",
            ls, c / ls, b / ls);
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double viaClient(CairnClient client, int tags, int steps) {
    String[] names = tagNames(tags);
    Run run = client.startRun("bench", "client-" + steps, Map.of("tags", tags), Map.of());
    long start = System.nanoTime();
    for (int step = 0; step < steps; step++) {
      long wall = wallTime(step);
      for (int t = 0; t < tags; t++) {
        run.log(names[t], step, value(t, step), wall);
      }
    }
    run.end(EndStatus.FINISHED);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (run.droppedPoints() > 0) {
      System.out.printf("  client round dropped %,d points%n", run.droppedPoints());
    }
    return run.sentPoints() / seconds;
  }

  /**
   * The same points through {@code Run.log(tag, steps[], values[], wallTimes[])}, 1,000 steps per
   * block.
   */
  private static double viaClientBlocks(CairnClient client, int tags, int steps) {
    String[] names = tagNames(tags);
    Run run = client.startRun("bench", "client-blocks-" + steps, Map.of("tags", tags), Map.of());
    int block = 1_000;
    long[] st = new long[block];
    long[] wa = new long[block];
    double[][] va = new double[tags][block];
    long start = System.nanoTime();
    for (int from = 0; from < steps; from += block) {
      int n = Math.min(block, steps - from);
      for (int i = 0; i < n; i++) {
        st[i] = from + i;
        wa[i] = wallTime(from + i);
        for (int t = 0; t < tags; t++) {
          va[t][i] = value(t, from + i);
        }
      }
      for (int t = 0; t < tags; t++) {
        run.log(
            names[t],
            n == block ? st : Arrays.copyOf(st, n),
            n == block ? va[t] : Arrays.copyOf(va[t], n),
            n == block ? wa : Arrays.copyOf(wa, n));
      }
    }
    run.end(EndStatus.FINISHED);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (run.droppedPoints() > 0) {
      System.out.printf("  client blocks round dropped %,d points%n", run.droppedPoints());
    }
    return run.sentPoints() / seconds;
  }

  private static double inProcess(H2TrackingStore store, int tags, int steps) {
    String[] names = tagNames(tags);
    String id =
        store
            .createRun(new NewRun("bench", "local-" + steps, "", "", 0, "cpu", Map.of(), Map.of()))
            .id();
    long start = System.nanoTime();
    List<ScalarPoint> batch = new ArrayList<>(WRITER_BATCH);
    int sinceFlush = 0;
    for (int step = 0; step < steps; step++) {
      long wall = wallTime(step);
      for (int t = 0; t < tags; t++) {
        batch.add(new ScalarPoint(id, names[t], step, wall, value(t, step)));
        if (batch.size() == WRITER_BATCH) {
          store.writeScalars(batch);
          batch = new ArrayList<>(WRITER_BATCH);
          sinceFlush += WRITER_BATCH;
          if (sinceFlush >= FLUSH_EVERY) {
            store.flush();
            sinceFlush = 0;
          }
        }
      }
    }
    store.writeScalars(batch);
    store.flush();
    return (double) tags * steps / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * The in-process writer given whole series (what the server now does with a tracking batch):
   * blocks of 1,000 steps per tag, flushed every 50,000 points like {@link #inProcess}.
   */
  private static double inProcessSeries(H2TrackingStore store, int tags, int steps) {
    String[] names = tagNames(tags);
    String id =
        store
            .createRun(
                new NewRun("bench", "local-series-" + steps, "", "", 0, "cpu", Map.of(), Map.of()))
            .id();
    int block = WRITER_BATCH;
    long start = System.nanoTime();
    int sinceFlush = 0;
    for (int from = 0; from < steps; from += block) {
      int n = Math.min(block, steps - from);
      List<ScalarSeries> batch = new ArrayList<>(tags);
      for (int t = 0; t < tags; t++) {
        long[] st = new long[n];
        long[] wa = new long[n];
        double[] va = new double[n];
        for (int i = 0; i < n; i++) {
          st[i] = from + i;
          wa[i] = wallTime(from + i);
          va[i] = value(t, from + i);
        }
        batch.add(new ScalarSeries(id, names[t], st, wa, va));
      }
      store.writeScalarSeries(batch);
      sinceFlush += n * tags;
      if (sinceFlush >= FLUSH_EVERY) {
        store.flush();
        sinceFlush = 0;
      }
    }
    store.flush();
    return (double) tags * steps / ((System.nanoTime() - start) / 1e9);
  }

  private static String[] tagNames(int tags) {
    String[] names = new String[tags];
    for (int t = 0; t < tags; t++) {
      names[t] = "train/metric" + t;
    }
    return names;
  }

  private static long wallTime(int step) {
    return 1_700_000_000_000L + step * 50L;
  }

  private static double value(int tag, int step) {
    return Math.exp(-step / 5_000.0) + tag + Math.sin(step) * 0.05;
  }

  private static double median(List<Double> xs) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  private static String fmt(List<Double> xs) {
    return Arrays.toString(xs.stream().map(x -> String.format("%,.0f", x)).toArray());
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
