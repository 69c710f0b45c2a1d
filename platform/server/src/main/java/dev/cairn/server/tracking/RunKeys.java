package dev.cairn.server.tracking;

import dev.cairn.core.tracking.TrackingDatabase;
import dev.cairn.core.tracking.TrackingStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The tables of V7: the idempotency keys clients choose when they create a run, and key/value tags.
 * Blocking JDBC: call it from a worker.
 */
final class RunKeys {
  private final TrackingDatabase db;

  RunKeys(TrackingDatabase db) {
    this.db = db;
  }

  Optional<String> runOfKey(String key) {
    try {
      return db.read(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement("SELECT run_id FROM run_client_keys WHERE client_key = ?")) {
              ps.setString(1, key);
              try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
              }
            }
          });
    } catch (SQLException e) {
      throw new TrackingStoreException("Cannot read client keys: " + e.getMessage(), e);
    }
  }

  /** Records the run and its tags in one durable transaction, through the store's writer. */
  void remember(String key, String runId, Map<String, String> tags) {
    try {
      db.write(
          c -> {
            if (key != null) {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO run_client_keys (client_key, run_id) VALUES (?, ?)")) {
                ps.setString(1, key);
                ps.setString(2, runId);
                ps.executeUpdate();
              }
            }
            upsertTags(c, runId, tags);
            return null;
          });
    } catch (SQLException e) {
      throw new TrackingStoreException(
          "Cannot store the client key of run " + runId + ": " + e.getMessage(), e);
    }
  }

  void setTags(String runId, Map<String, String> tags) {
    remember(null, runId, tags);
  }

  Map<String, String> tags(String runId) {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      db.read(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT tag_key, tag_value FROM run_tags WHERE run_id = ? ORDER BY tag_key")) {
              ps.setString(1, runId);
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  out.put(rs.getString(1), rs.getString(2));
                }
              }
            }
            return null;
          });
      return out;
    } catch (SQLException e) {
      throw new TrackingStoreException(
          "Cannot read the tags of run " + runId + ": " + e.getMessage(), e);
    }
  }

  private static void upsertTags(Connection c, String runId, Map<String, String> tags)
      throws SQLException {
    if (tags.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "MERGE INTO run_tags (run_id, tag_key, tag_value) KEY (run_id, tag_key) VALUES (?, ?, ?)")) {
      for (var e : tags.entrySet()) {
        ps.setString(1, runId);
        ps.setString(2, e.getKey());
        ps.setString(3, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
