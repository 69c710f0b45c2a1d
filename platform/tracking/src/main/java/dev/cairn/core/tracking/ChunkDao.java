package dev.cairn.core.tracking;

import dev.cairn.core.tracking.internal.ChunkCodec;
import dev.cairn.core.tracking.internal.ChunkTail;
import dev.cairn.core.tracking.internal.Downsampler;
import dev.cairn.core.tracking.internal.OpenChunk;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** SQL for metric_chunks. The caller owns connections and transactions. */
final class ChunkDao {
  private ChunkDao() {}

  /** The last chunk of every series of a run; arrays only for chunks that are not sealed. */
  public static List<ChunkTail> tails(Connection c, String runId) throws SQLException {
    List<ChunkTail> tails = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT c.tag, c.chunk_no, c.point_count, c.last_step, c.sealed,"
                + " CASE WHEN c.sealed THEN NULL ELSE c.steps END AS steps,"
                + " CASE WHEN c.sealed THEN NULL ELSE c.wall_times END AS wall_times,"
                + " CASE WHEN c.sealed THEN NULL ELSE c.vals END AS vals"
                + " FROM metric_chunks c JOIN (SELECT tag, MAX(chunk_no) AS chunk_no"
                + "   FROM metric_chunks WHERE run_id = ? GROUP BY tag) m"
                + " ON m.tag = c.tag AND m.chunk_no = c.chunk_no"
                + " WHERE c.run_id = ?")) {
      ps.setString(1, runId);
      ps.setString(2, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tails.add(
              new ChunkTail(
                  rs.getString(1),
                  rs.getInt(2),
                  rs.getInt(3),
                  rs.getLong(4),
                  rs.getBoolean(5),
                  rs.getBytes(6),
                  rs.getBytes(7),
                  rs.getBytes(8)));
        }
      }
    }
    return tails;
  }

  /** Inserts or rewrites the given chunks in one JDBC batch. */
  public static void upsert(Connection c, List<OpenChunk> chunks) throws SQLException {
    if (chunks.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "MERGE INTO metric_chunks (run_id, tag, chunk_no, point_count, first_step, last_step,"
                + " min_value, max_value, last_value, sealed, steps, wall_times, vals)"
                + " KEY (run_id, tag, chunk_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (OpenChunk chunk : chunks) {
        ps.setString(1, chunk.runId());
        ps.setString(2, chunk.tag());
        ps.setInt(3, chunk.chunkNo());
        ps.setInt(4, chunk.count());
        ps.setLong(5, chunk.firstStep());
        ps.setLong(6, chunk.lastStep());
        ps.setDouble(7, chunk.min());
        ps.setDouble(8, chunk.max());
        ps.setDouble(9, chunk.lastValue());
        ps.setBoolean(10, chunk.isFull());
        ps.setBytes(11, chunk.encodeSteps());
        ps.setBytes(12, chunk.encodeWallTimes());
        ps.setBytes(13, chunk.encodeValues());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Per tag: count, step range, min, max and last value, from chunk headers only. */
  public static List<SeriesSummary> summaries(Connection c, String runId) throws SQLException {
    List<SeriesSummary> summaries = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT tag, point_count, first_step, last_step, min_value, max_value, last_value"
                + " FROM metric_chunks WHERE run_id = ? ORDER BY tag, chunk_no")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        SummaryBuilder current = null;
        while (rs.next()) {
          String tag = rs.getString(1);
          if (current == null || !current.tag.equals(tag)) {
            if (current != null) {
              summaries.add(current.build());
            }
            current = new SummaryBuilder(tag, rs.getLong(3));
          }
          current.add(
              rs.getInt(2), rs.getLong(4), rs.getDouble(5), rs.getDouble(6), rs.getDouble(7));
        }
        if (current != null) {
          summaries.add(current.build());
        }
      }
    }
    return summaries;
  }

  private static final class SummaryBuilder {
    final String tag;
    final long firstStep;
    long count;
    long lastStep;
    double min = Double.NaN;
    double max = Double.NaN;
    double lastValue;

    SummaryBuilder(String tag, long firstStep) {
      this.tag = tag;
      this.firstStep = firstStep;
    }

    /** Chunks arrive in chunk_no order, so the last one added holds the last value. */
    void add(int points, long chunkLastStep, double chunkMin, double chunkMax, double last) {
      count += points;
      lastStep = chunkLastStep;
      lastValue = last;
      if (!Double.isNaN(chunkMin) && (Double.isNaN(min) || chunkMin < min)) {
        min = chunkMin;
      }
      if (!Double.isNaN(chunkMax) && (Double.isNaN(max) || chunkMax > max)) {
        max = chunkMax;
      }
    }

    SeriesSummary build() {
      return new SeriesSummary(tag, count, firstStep, lastStep, min, max, lastValue);
    }
  }

  /** Reads a series: every point, or a min/max downsample when it holds more than maxPoints. */
  public static Optional<Series> read(Connection c, String runId, String tag, int maxPoints)
      throws SQLException {
    List<byte[][]> blobs = new ArrayList<>();
    long total = 0;
    long firstStep = 0;
    long lastStep = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT point_count, first_step, last_step, steps, wall_times, vals"
                + " FROM metric_chunks WHERE run_id = ? AND tag = ? ORDER BY chunk_no")) {
      ps.setString(1, runId);
      ps.setString(2, tag);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          total += rs.getInt(1);
          if (blobs.isEmpty()) {
            firstStep = rs.getLong(2);
          }
          lastStep = rs.getLong(3);
          blobs.add(new byte[][] {rs.getBytes(4), rs.getBytes(5), rs.getBytes(6)});
        }
      }
    }
    if (blobs.isEmpty()) {
      return Optional.empty();
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("Series " + runId + "/" + tag + " is too long to read");
    }
    int n = (int) total;
    if (maxPoints <= 0 || n <= maxPoints) {
      long[] steps = new long[n];
      long[] wallTimes = new long[n];
      double[] values = new double[n];
      int offset = 0;
      for (byte[][] chunk : blobs) {
        offset += decode(chunk, steps, wallTimes, values, offset, runId, tag);
      }
      if (offset != n) {
        throw new IllegalStateException("Chunk headers of " + runId + "/" + tag + " disagree");
      }
      return Optional.of(new Series(runId, tag, steps, wallTimes, values, n, false));
    }
    // chunk by chunk through small buffers: a long series is never decoded whole
    Downsampler downsampler = new Downsampler(firstStep, lastStep, maxPoints);
    long[] steps = new long[OpenChunk.CAPACITY];
    long[] wallTimes = new long[OpenChunk.CAPACITY];
    double[] values = new double[OpenChunk.CAPACITY];
    for (byte[][] chunk : blobs) {
      int count = decode(chunk, steps, wallTimes, values, 0, runId, tag);
      downsampler.add(steps, wallTimes, values, count);
    }
    downsampler.finish();
    return Optional.of(
        new Series(
            runId,
            tag,
            downsampler.steps(),
            downsampler.wallTimes(),
            downsampler.values(),
            n,
            downsampler.steps().length < n));
  }

  /** Run ids per {@link #readAll} query. */
  static final int MAX_IN = 200;

  /**
   * Full-resolution series of one tag for at most {@link #MAX_IN} runs, in one query; each run's
   * series is handed over as soon as its last chunk is read.
   */
  static void readAll(Connection c, List<String> runIds, String tag, Consumer<Series> each)
      throws SQLException {
    if (runIds.isEmpty()) {
      return;
    }
    String in = String.join(",", Collections.nCopies(runIds.size(), "?"));
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT run_id, point_count, steps, wall_times, vals FROM metric_chunks"
                + " WHERE run_id IN ("
                + in
                + ") AND tag = ? ORDER BY run_id, chunk_no")) {
      for (int i = 0; i < runIds.size(); i++) {
        ps.setString(i + 1, runIds.get(i));
      }
      ps.setString(runIds.size() + 1, tag);
      try (ResultSet rs = ps.executeQuery()) {
        String run = null;
        List<byte[][]> blobs = new ArrayList<>();
        long total = 0;
        while (rs.next()) {
          String id = rs.getString(1);
          if (run != null && !run.equals(id)) {
            each.accept(decodeAll(run, tag, blobs, total));
            blobs = new ArrayList<>();
            total = 0;
          }
          run = id;
          total += rs.getInt(2);
          blobs.add(new byte[][] {rs.getBytes(3), rs.getBytes(4), rs.getBytes(5)});
        }
        if (run != null) {
          each.accept(decodeAll(run, tag, blobs, total));
        }
      }
    }
  }

  private static Series decodeAll(String runId, String tag, List<byte[][]> blobs, long total) {
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("Series " + runId + "/" + tag + " is too long to read");
    }
    int n = (int) total;
    long[] steps = new long[n];
    long[] wallTimes = new long[n];
    double[] values = new double[n];
    int offset = 0;
    for (byte[][] chunk : blobs) {
      offset += decode(chunk, steps, wallTimes, values, offset, runId, tag);
    }
    if (offset != n) {
      throw new IllegalStateException("Chunk headers of " + runId + "/" + tag + " disagree");
    }
    return new Series(runId, tag, steps, wallTimes, values, n, false);
  }

  private static int decode(
      byte[][] chunk,
      long[] steps,
      long[] wallTimes,
      double[] values,
      int offset,
      String runId,
      String tag) {
    int count = ChunkCodec.decodeLongs(chunk[0], steps, offset);
    if (ChunkCodec.decodeLongs(chunk[1], wallTimes, offset) != count
        || ChunkCodec.decodeValues(chunk[2], values, offset) != count) {
      throw new IllegalStateException("Chunk arrays of " + runId + "/" + tag + " disagree");
    }
    return count;
  }
}
