package dev.cairn.bench;

import dev.cairn.core.tracking.H2TrackingStore;
import dev.cairn.core.tracking.NewRun;
import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.Series;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Chunked scalar storage ({@link H2TrackingStore}) against the naive layout, one row per point
 * keyed by (run, tag, step), in the same H2 file. Both commit and CHECKPOINT at every flush, so
 * both are as durable. A benchmark, not a test: it prints figures and asserts nothing.
 *
 * <p>Usage: {@code StoreBench [dataDir]} (default: a new temporary folder). Measures ingest (100
 * runs x 5 tags x 2,000 steps, a flush every 10,000 or 100,000 points), reading a 10,000-point
 * series, downsampling a 1,000,000-point series to 2,000 points, and the disk taken per point.
 */
public final class StoreBench {
  private static final int RUNS = 100;
  private static final int TAGS = 5;
  private static final int STEPS = 2_000;
  private static final int FLUSH_EVERY = 10_000;
  private static final int BATCH = 1_000;
  private static final int LONG_SERIES = 1_000_000;
  private static final int MAX_POINTS = 2_000;

  private StoreBench() {}

  public static void main(String[] args) throws Exception {
    boolean temporary = args.length == 0;
    Path dir = temporary ? Files.createTempDirectory("cairn-bench") : Path.of(args[0]);
    Files.createDirectories(dir);
    try {
      run(dir);
    } finally {
      if (temporary) {
        deleteQuietly(dir);
      }
    }
  }

  private static void run(Path dir) throws Exception {
    String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("cairn");
    System.out.printf(
        "StoreBench: H2 file %s.mv.db, Java %s, %d cores%n",
        url, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());

    try (H2TrackingStore store = H2TrackingStore.open(url, "sa", "");
        Connection naive = DriverManager.getConnection(url, "sa", "")) {
      naive.setAutoCommit(false);
      try (Statement s = naive.createStatement()) {
        s.execute(
            "CREATE TABLE IF NOT EXISTS naive_points (run_id VARCHAR(32), tag VARCHAR(255),"
                + " step BIGINT, wall_time BIGINT, val DOUBLE PRECISION,"
                + " PRIMARY KEY (run_id, tag, step))");
      }
      naive.commit();

      // warm both paths up on a small set first, so the JIT does not favour the second one
      ingestChunked(store, 5, 500, FLUSH_EVERY);
      ingestNaive(naive, 5, 500, FLUSH_EVERY);
      System.out.println("warm-up done");

      // A B B A order, so that a neighbour's load drifting over time favours neither layout
      double chunkedIngest = ingestChunked(store, RUNS, STEPS, FLUSH_EVERY);
      double naiveIngest = ingestNaive(naive, RUNS, STEPS, FLUSH_EVERY);
      double naiveIngestRare = ingestNaive(naive, RUNS, STEPS, 10 * FLUSH_EVERY);
      double chunkedIngestRare = ingestChunked(store, RUNS, STEPS, 10 * FLUSH_EVERY);

      String readRun = store.createRun(run("read-10k")).id();
      writeChunked(store, readRun, "loss", 10_000);
      writeNaive(naive, readRun, "loss", 10_000);
      double[] read =
          medianMillis(
              20,
              () -> store.readSeries(readRun, "loss", 0),
              () -> readNaive(naive, readRun, "loss"));

      String longRun = store.createRun(run("long-1m")).id();
      writeChunked(store, longRun, "loss", LONG_SERIES);
      writeNaive(naive, longRun, "loss", LONG_SERIES);
      Series sample = store.readSeries(longRun, "loss", MAX_POINTS).orElseThrow();
      double[] down =
          medianMillis(
              5,
              () -> store.readSeries(longRun, "loss", MAX_POINTS),
              () -> readNaive(naive, longRun, "loss"));

      double chunkedBytes = diskBytes(naive, "METRIC_CHUNKS");
      double naiveBytes = diskBytes(naive, "NAIVE_POINTS");
      long storedPoints = 2L * RUNS * TAGS * STEPS + 10_000 + LONG_SERIES + 5 * TAGS * 500;

      System.out.println();
      System.out.printf("%-44s %14s %14s %8s%n", "measure", "chunked", "row/point", "ratio");
      row(
          "ingest, points/s (100x5x2000, flush/10k)",
          chunkedIngest,
          naiveIngest,
          chunkedIngest / naiveIngest,
          "%,.0f");
      row(
          "ingest, points/s (100x5x2000, flush/100k)",
          chunkedIngestRare,
          naiveIngestRare,
          chunkedIngestRare / naiveIngestRare,
          "%,.0f");
      row("read a 10k series, ms (median of 20)", read[0], read[1], read[1] / read[0], "%.2f");
      row(
          "1M series -> " + sample.size() + " points, ms (median of 5)",
          down[0],
          down[1],
          down[1] / down[0],
          "%.1f");
      row(
          "disk, bytes per point (DISK_SPACE_USED)",
          chunkedBytes / storedPoints,
          naiveBytes / storedPoints,
          naiveBytes / chunkedBytes,
          "%.1f");
      System.out.println(
          "ratio: how many times better chunked is (the naive 1M read is the raw"
              + " SELECT alone, without downsampling)");
    }
  }

  private static void row(String name, double chunked, double naive, double ratio, String fmt) {
    System.out.printf(
        "%-44s %14s %14s %7.1fx%n",
        name, String.format(fmt, chunked), String.format(fmt, naive), ratio);
  }

  private static NewRun run(String name) {
    return new NewRun("bench", name, "", "", 1, "cpu", Map.of(), Map.of("lr", "0.1"));
  }

  /** Points of every run and tag, step by step as training would log them; returns points/s. */
  private static double ingestChunked(H2TrackingStore store, int runs, int steps, int flushEvery) {
    String[] ids = new String[runs];
    for (int r = 0; r < runs; r++) {
      ids[r] = store.createRun(run("ingest-" + r)).id();
    }
    long start = System.nanoTime();
    List<ScalarPoint> batch = new ArrayList<>(BATCH);
    int sinceFlush = 0;
    for (int step = 0; step < steps; step++) {
      for (int r = 0; r < runs; r++) {
        for (int t = 0; t < TAGS; t++) {
          batch.add(new ScalarPoint(ids[r], "tag" + t, step, wallTime(step), value(r, t, step)));
          if (batch.size() == BATCH) {
            store.writeScalars(batch);
            batch = new ArrayList<>(BATCH);
            sinceFlush += BATCH;
            if (sinceFlush >= flushEvery) {
              store.flush();
              sinceFlush = 0;
            }
          }
        }
      }
    }
    store.writeScalars(batch);
    store.flush();
    return (double) runs * TAGS * steps / seconds(start);
  }

  private static double ingestNaive(Connection c, int runs, int steps, int flushEvery)
      throws SQLException {
    String[] ids = new String[runs];
    for (int r = 0; r < runs; r++) {
      ids[r] = "naive" + System.nanoTime() % 1_000_000_000L + "-" + r;
    }
    long start = System.nanoTime();
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO naive_points (run_id, tag, step, wall_time, val) VALUES (?, ?, ?, ?, ?)")) {
      int pending = 0;
      int sinceCommit = 0;
      for (int step = 0; step < steps; step++) {
        for (int r = 0; r < runs; r++) {
          for (int t = 0; t < TAGS; t++) {
            ps.setString(1, ids[r]);
            ps.setString(2, "tag" + t);
            ps.setLong(3, step);
            ps.setLong(4, wallTime(step));
            ps.setDouble(5, value(r, t, step));
            ps.addBatch();
            if (++pending == BATCH) {
              ps.executeBatch();
              pending = 0;
              sinceCommit += BATCH;
              if (sinceCommit >= flushEvery) {
                commitDurably(c);
                sinceCommit = 0;
              }
            }
          }
        }
      }
      ps.executeBatch();
      commitDurably(c);
    }
    return (double) runs * TAGS * steps / seconds(start);
  }

  private static void writeChunked(H2TrackingStore store, String runId, String tag, int n) {
    List<ScalarPoint> batch = new ArrayList<>(FLUSH_EVERY);
    for (int step = 0; step < n; step++) {
      batch.add(new ScalarPoint(runId, tag, step, wallTime(step), value(0, 0, step)));
      if (batch.size() == FLUSH_EVERY) {
        store.writeScalars(batch);
        store.flush();
        batch = new ArrayList<>(FLUSH_EVERY);
      }
    }
    store.writeScalars(batch);
    store.flush();
  }

  private static void writeNaive(Connection c, String runId, String tag, int n)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO naive_points (run_id, tag, step, wall_time, val) VALUES (?, ?, ?, ?, ?)")) {
      for (int step = 0; step < n; step++) {
        ps.setString(1, runId);
        ps.setString(2, tag);
        ps.setLong(3, step);
        ps.setLong(4, wallTime(step));
        ps.setDouble(5, value(0, 0, step));
        ps.addBatch();
        if ((step + 1) % FLUSH_EVERY == 0) {
          ps.executeBatch();
          commitDurably(c);
        }
      }
      ps.executeBatch();
      commitDurably(c);
    }
  }

  private static int readNaive(Connection c, String runId, String tag) throws SQLException {
    long[] steps = new long[1024];
    long[] walls = new long[1024];
    double[] values = new double[1024];
    int n = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT step, wall_time, val FROM naive_points"
                + " WHERE run_id = ? AND tag = ? ORDER BY step")) {
      ps.setString(1, runId);
      ps.setString(2, tag);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (n == steps.length) {
            steps = Arrays.copyOf(steps, n * 2);
            walls = Arrays.copyOf(walls, n * 2);
            values = Arrays.copyOf(values, n * 2);
          }
          steps[n] = rs.getLong(1);
          walls[n] = rs.getLong(2);
          values[n] = rs.getDouble(3);
          n++;
        }
      }
    }
    c.commit();
    return n;
  }

  private static void commitDurably(Connection c) throws SQLException {
    c.commit();
    try (Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
    }
  }

  private static double diskBytes(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT DISK_SPACE_USED('" + table + "')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @FunctionalInterface
  private interface Timed {
    Object run() throws Exception;
  }

  /** Median milliseconds of each, the two run in alternation. */
  private static double[] medianMillis(int repeats, Timed chunked, Timed naive) throws Exception {
    double[][] millis = new double[2][repeats];
    Timed[] both = {chunked, naive};
    for (int i = 0; i < repeats; i++) {
      for (int k = 0; k < 2; k++) {
        long start = System.nanoTime();
        both[k].run();
        millis[k][i] = (System.nanoTime() - start) / 1e6;
      }
    }
    Arrays.sort(millis[0]);
    Arrays.sort(millis[1]);
    return new double[] {millis[0][repeats / 2], millis[1][repeats / 2]};
  }

  private static long wallTime(int step) {
    return 1_700_000_000_000L + step * 50L;
  }

  private static double value(int run, int tag, int step) {
    return Math.exp(-step / 500.0) * (1 + run * 0.01) + tag + Math.sin(step) * 0.05;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void deleteQuietly(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var files = Files.walk(dir)) {
        files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }
}
