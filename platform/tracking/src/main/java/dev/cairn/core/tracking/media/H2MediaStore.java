package dev.cairn.core.tracking.media;

import dev.cairn.core.tracking.TrackingDatabase;
import dev.cairn.core.tracking.TrackingStoreException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MediaStore} on the tracking database (tables of {@code V3__media.sql}): writes through the
 * tracking store's writer ({@link TrackingDatabase#write}), reads on its pool.
 */
public final class H2MediaStore implements MediaStore {
  private static final Logger LOG = LoggerFactory.getLogger(H2MediaStore.class);
  private final TrackingDatabase db;

  public H2MediaStore(TrackingDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  @Override
  public void write(List<MediaRecord> records) {
    write(records, false);
  }

  @Override
  public void writeDurably(List<MediaRecord> records) {
    write(records, true);
  }

  private void write(List<MediaRecord> records, boolean durable) {
    if (records.isEmpty()) {
      return;
    }
    TrackingDatabase.Work<Void> work =
        c -> {
          writeBatch(c, records);
          return null;
        };
    try {
      if (durable) {
        db.write(work);
      } else {
        db.writeLazily(work);
      }
    } catch (SQLException e) {
      throw new TrackingStoreException("Media write failed: " + e.getMessage(), e);
    }
  }

  /**
   * One transaction for the batch; when it fails, one record at a time, so that records of runs
   * that no longer exist (deleted while training) are dropped with a warning and the rest kept.
   */
  private static void writeBatch(Connection c, List<MediaRecord> records) throws SQLException {
    try {
      for (MediaRecord r : records) {
        insert(c, r);
      }
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      for (MediaRecord r : records) {
        try {
          insert(c, r);
          c.commit();
        } catch (SQLException single) {
          c.rollback();
          LOG.warn(
              "dropped {} of run {}: {}",
              r.getClass().getSimpleName(),
              r.runId(),
              single.getMessage());
        }
      }
    }
  }

  private static void insert(Connection c, MediaRecord record) throws SQLException {
    if (record instanceof MediaRecord.Image i) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "MERGE INTO run_images (run_id, tag, step, wall_time, width, height, caption, png)"
                  + " KEY (run_id, tag, step) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, i.runId());
        ps.setString(2, i.tag());
        ps.setLong(3, i.step());
        ps.setLong(4, i.wallTime());
        ps.setInt(5, i.width());
        ps.setInt(6, i.height());
        ps.setString(7, i.caption());
        ps.setBytes(8, i.png());
        ps.executeUpdate();
      }
    } else if (record instanceof MediaRecord.HistogramAt h) {
      Histogram g = h.histogram();
      try (PreparedStatement ps =
          c.prepareStatement(
              "MERGE INTO run_histograms (run_id, tag, step, wall_time, min_value, max_value, num, sum_values,"
                  + " sum_squares, non_finite, limits, counts) KEY (run_id, tag, step)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, h.runId());
        ps.setString(2, h.tag());
        ps.setLong(3, h.step());
        ps.setLong(4, h.wallTime());
        ps.setDouble(5, g.min());
        ps.setDouble(6, g.max());
        ps.setLong(7, g.count());
        ps.setDouble(8, g.sum());
        ps.setDouble(9, g.sumSquares());
        ps.setLong(10, g.nonFinite());
        ps.setBytes(11, packDoubles(g.limits()));
        ps.setBytes(12, packLongs(g.counts()));
        ps.executeUpdate();
      }
    } else if (record instanceof MediaRecord.Text t) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "MERGE INTO run_texts (run_id, tag, step, wall_time, body) KEY (run_id, tag, step) VALUES (?, ?, ?, ?, ?)")) {
        ps.setString(1, t.runId());
        ps.setString(2, t.tag());
        ps.setLong(3, t.step());
        ps.setLong(4, t.wallTime());
        ps.setString(5, t.text());
        ps.executeUpdate();
      }
    } else if (record instanceof MediaRecord.Graph g) {
      try (PreparedStatement ps =
          c.prepareStatement("MERGE INTO run_graphs (run_id, graph) KEY (run_id) VALUES (?, ?)")) {
        ps.setString(1, g.runId());
        ps.setString(2, g.json());
        ps.executeUpdate();
      }
    }
  }

  @Override
  public MediaTags tags(String runId) {
    return read(
        c ->
            new MediaTags(
                strings(
                    c, "SELECT DISTINCT tag FROM run_images WHERE run_id = ? ORDER BY tag", runId),
                strings(
                    c,
                    "SELECT DISTINCT tag FROM run_histograms WHERE run_id = ? ORDER BY tag",
                    runId),
                strings(
                    c, "SELECT DISTINCT tag FROM run_texts WHERE run_id = ? ORDER BY tag", runId),
                !strings(c, "SELECT run_id FROM run_graphs WHERE run_id = ?", runId).isEmpty()));
  }

  @Override
  public Map<String, MediaTags> tags(Collection<String> runIds) {
    if (runIds.isEmpty()) {
      return Map.of();
    }
    return read(
        c -> {
          Map<String, MediaTags> out = new HashMap<>();
          try (PreparedStatement images =
                  c.prepareStatement(
                      "SELECT DISTINCT tag FROM run_images WHERE run_id = ? ORDER BY tag");
              PreparedStatement histograms =
                  c.prepareStatement(
                      "SELECT DISTINCT tag FROM run_histograms WHERE run_id = ? ORDER BY tag");
              PreparedStatement texts =
                  c.prepareStatement(
                      "SELECT DISTINCT tag FROM run_texts WHERE run_id = ? ORDER BY tag");
              PreparedStatement graphs =
                  c.prepareStatement("SELECT run_id FROM run_graphs WHERE run_id = ?")) {
            for (String id : runIds) {
              out.put(
                  id,
                  new MediaTags(
                      strings(images, id),
                      strings(histograms, id),
                      strings(texts, id),
                      !strings(graphs, id).isEmpty()));
            }
          }
          return out;
        });
  }

  private static List<String> strings(PreparedStatement ps, String runId) throws SQLException {
    List<String> out = new ArrayList<>();
    ps.setString(1, runId);
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Override
  public List<ImageInfo> images(String runId, String tag, int limit, int offset) {
    return read(
        c -> {
          List<ImageInfo> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT step, wall_time, width, height, caption FROM run_images WHERE run_id = ? AND tag = ?"
                      + " ORDER BY step OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
            ps.setString(1, runId);
            ps.setString(2, tag);
            page(ps, 3, limit, offset);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new ImageInfo(
                        tag,
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getInt(3),
                        rs.getInt(4),
                        rs.getString(5)));
              }
            }
          }
          return out;
        });
  }

  @Override
  public Optional<byte[]> imagePng(String runId, String tag, long step) {
    return read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT png FROM run_images WHERE run_id = ? AND tag = ? AND step = ?")) {
            ps.setString(1, runId);
            ps.setString(2, tag);
            ps.setLong(3, step);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public List<HistogramEntry> histograms(String runId, String tag, int limit, int offset) {
    return read(
        c -> {
          List<HistogramEntry> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT step, wall_time, min_value, max_value, num, sum_values, sum_squares, non_finite, limits, counts"
                      + " FROM run_histograms WHERE run_id = ? AND tag = ?"
                      + " ORDER BY step OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
            ps.setString(1, runId);
            ps.setString(2, tag);
            page(ps, 3, limit, offset);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new HistogramEntry(
                        rs.getLong(1),
                        rs.getLong(2),
                        new Histogram(
                            rs.getDouble(3),
                            rs.getDouble(4),
                            rs.getLong(5),
                            rs.getDouble(6),
                            rs.getDouble(7),
                            unpackDoubles(rs.getBytes(9)),
                            unpackLongs(rs.getBytes(10)),
                            rs.getLong(8))));
              }
            }
          }
          return out;
        });
  }

  @Override
  public List<TextEntry> texts(String runId, String tag, int limit) {
    return read(
        c -> {
          List<TextEntry> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT step, wall_time, body FROM run_texts WHERE run_id = ? AND tag = ? ORDER BY step DESC FETCH FIRST ? ROWS ONLY")) {
            ps.setString(1, runId);
            ps.setString(2, tag);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new TextEntry(rs.getLong(1), rs.getLong(2), rs.getString(3)));
              }
            }
          }
          Collections.reverse(out);
          return out;
        });
  }

  @Override
  public Optional<String> graph(String runId) {
    return read(
        c -> {
          List<String> g = strings(c, "SELECT graph FROM run_graphs WHERE run_id = ?", runId);
          return g.isEmpty() ? Optional.empty() : Optional.of(g.get(0));
        });
  }

  @Override
  public Map<String, RunNotes> notes(Collection<String> runIds) {
    if (runIds.isEmpty()) {
      return Map.of();
    }
    return read(
        c -> {
          Map<String, RunNotes> out = new HashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT run_id, tags, notes FROM run_notes WHERE run_id IN (SELECT * FROM TABLE(x VARCHAR = ?))")) {
            ps.setObject(1, runIds.toArray(new String[0]));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String tags = rs.getString(2);
                out.put(
                    rs.getString(1),
                    new RunNotes(
                        tags.isEmpty() ? List.of() : Arrays.asList(tags.split(",")),
                        rs.getString(3)));
              }
            }
          }
          return out;
        });
  }

  @Override
  public boolean setNotes(String runId, RunNotes notes) {
    return write(
        c -> {
          try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM runs WHERE id = ?")) {
            exists.setString(1, runId);
            try (ResultSet rs = exists.executeQuery()) {
              if (!rs.next()) {
                return false;
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "MERGE INTO run_notes (run_id, tags, notes) KEY (run_id) VALUES (?, ?, ?)")) {
            ps.setString(1, runId);
            ps.setString(2, String.join(",", notes.tags()));
            ps.setString(3, notes.notes());
            ps.executeUpdate();
          }
          return true;
        });
  }

  /** Sets {@code OFFSET ? ROWS FETCH NEXT ? ROWS ONLY} at {@code index}, checking the page. */
  private static void page(PreparedStatement ps, int index, int limit, int offset)
      throws SQLException {
    if (limit < 1 || limit > MAX_PAGE || offset < 0) {
      throw new IllegalArgumentException(
          "a page is 1.."
              + MAX_PAGE
              + " entries from an offset >= 0, not "
              + limit
              + " from "
              + offset);
    }
    ps.setInt(index, offset);
    ps.setInt(index + 1, limit);
  }

  private static List<String> strings(Connection c, String sql, String runId) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private <T> T read(TrackingDatabase.Work<T> work) {
    try {
      return db.read(work);
    } catch (SQLException e) {
      throw new TrackingStoreException("Media store failed: " + e.getMessage(), e);
    }
  }

  private <T> T write(TrackingDatabase.Work<T> work) {
    try {
      return db.write(work);
    } catch (SQLException e) {
      throw new TrackingStoreException("Media store failed: " + e.getMessage(), e);
    }
  }

  static byte[] packDoubles(double[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }

  static byte[] packLongs(long[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8);
    for (long v : values) {
      b.putLong(v);
    }
    return b.array();
  }

  static double[] unpackDoubles(byte[] bytes) {
    double[] out = new double[bytes.length / 8];
    ByteBuffer.wrap(bytes).asDoubleBuffer().get(out);
    return out;
  }

  static long[] unpackLongs(byte[] bytes) {
    long[] out = new long[bytes.length / 8];
    ByteBuffer.wrap(bytes).asLongBuffer().get(out);
    return out;
  }
}
