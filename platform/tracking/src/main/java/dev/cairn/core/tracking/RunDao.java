package dev.cairn.core.tracking;

import dev.cairn.core.tracking.internal.ProvenanceJson;
import dev.cairn.core.tracking.internal.RunPageToken;
import dev.cairn.core.tracking.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** SQL for experiments, runs and params. The caller owns connections and transactions. */
final class RunDao {
  private static final String RUN_COLUMNS =
      "r.id, e.name AS experiment, r.name, r.status, r.created_at, r.started_at, r.ended_at,"
          + " r.seed, r.device, r.spec_hash, r.spec_text, r.message, r.provenance, r.owner";
  private static final String RUN_FROM =
      " FROM runs r JOIN experiments e ON e.id = r.experiment_id";

  private RunDao() {}

  /** Id of the named experiment, created when missing. */
  public static long experimentId(Connection c, String name, Instant now) throws SQLException {
    Optional<Long> existing = findExperimentId(c, name);
    if (existing.isPresent()) {
      return existing.get();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO experiments (name, created_at) VALUES (?, ?)", new String[] {"id"})) {
      ps.setString(1, name);
      Sql.setInstant(ps, 2, now);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  public static Optional<Long> findExperimentId(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM experiments WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
      }
    }
  }

  public static boolean exists(Connection c, String runId) throws SQLException {
    return status(c, runId).isPresent();
  }

  public static Optional<RunStatus> status(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT status FROM runs WHERE id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(RunStatus.valueOf(rs.getString(1))) : Optional.empty();
      }
    }
  }

  public static void insertRun(
      Connection c, String id, long experimentId, NewRun run, Instant createdAt)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO runs (id, experiment_id, name, status, created_at, seed, device,"
                + " spec_hash, spec_text, provenance, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, id);
      ps.setLong(2, experimentId);
      ps.setString(3, run.name());
      ps.setString(4, RunStatus.QUEUED.name());
      Sql.setInstant(ps, 5, createdAt);
      ps.setLong(6, run.seed());
      ps.setString(7, run.device());
      ps.setString(8, run.specHash());
      ps.setString(9, run.specText());
      ps.setString(10, ProvenanceJson.write(run.provenance()));
      Sql.setInstant(ps, 11, createdAt);
      ps.executeUpdate();
    }
  }

  public static void upsertParams(Connection c, String runId, Map<String, String> params)
      throws SQLException {
    if (params.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "MERGE INTO params (run_id, param_key, param_value) KEY (run_id, param_key)"
                + " VALUES (?, ?, ?)")) {
      for (Map.Entry<String, String> param : params.entrySet()) {
        ps.setString(1, runId);
        ps.setString(2, param.getKey());
        ps.setString(3, param.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  public static Map<String, String> params(Connection c, String runId) throws SQLException {
    Map<String, String> params = new TreeMap<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT param_key, param_value FROM params WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          params.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return Collections.unmodifiableMap(params);
  }

  /** QUEUED -> RUNNING; returns rows changed. */
  public static int markRunning(Connection c, String runId, String device, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE runs SET status = 'RUNNING', started_at = ?, device = ?, heartbeat_at = ?"
                + " WHERE id = ? AND status = 'QUEUED'")) {
      Sql.setInstant(ps, 1, now);
      ps.setString(2, device);
      Sql.setInstant(ps, 3, now);
      ps.setString(4, runId);
      return ps.executeUpdate();
    }
  }

  /**
   * FAILED or KILLED -> QUEUED again, for a run resumed from a checkpoint; returns rows changed.
   */
  public static int reopen(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE runs SET status = 'QUEUED', ended_at = NULL, message = NULL"
                + " WHERE id = ? AND status IN ('FAILED', 'KILLED')")) {
      ps.setString(1, runId);
      return ps.executeUpdate();
    }
  }

  /** QUEUED or RUNNING -> a terminal status; returns rows changed. */
  public static int markEnded(
      Connection c, String runId, RunStatus status, String message, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE runs SET status = ?, ended_at = ?, message = ?"
                + " WHERE id = ? AND status IN ('QUEUED', 'RUNNING')")) {
      ps.setString(1, status.name());
      Sql.setInstant(ps, 2, now);
      ps.setString(3, message);
      ps.setString(4, runId);
      return ps.executeUpdate();
    }
  }

  /**
   * Fails RUNNING runs, and QUEUED sweep trials, whose lease expired (last heartbeat before {@code
   * expiredBefore}, or none): their owner is dead. They end at their last heartbeat, when they were
   * last alive. Other QUEUED runs never started: they stay QUEUED for the next server to train
   * ({@link #claimQueued}); a sweep's controller retries its own trials.
   */
  public static int failAbandoned(Connection c, String message, Instant now, Instant expiredBefore)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE runs SET status = 'FAILED', ended_at = COALESCE(heartbeat_at, ?), message = ?"
                + " WHERE (status = 'RUNNING' OR (status = 'QUEUED'"
                + " AND EXISTS (SELECT 1 FROM sweep_trials t WHERE t.run_id = runs.id)))"
                + " AND (heartbeat_at IS NULL OR heartbeat_at <= ?)")) {
      Sql.setInstant(ps, 1, now);
      ps.setString(2, message);
      Sql.setInstant(ps, 3, expiredBefore);
      return ps.executeUpdate();
    }
  }

  /**
   * Takes over QUEUED runs (not sweep trials) whose lease expired: renews their lease and returns
   * their ids in the order they were queued (oldest first).
   */
  public static List<String> claimQueued(Connection c, Instant now, Instant expiredBefore)
      throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id FROM runs WHERE status = 'QUEUED' AND (heartbeat_at IS NULL OR heartbeat_at <= ?)"
                + " AND NOT EXISTS (SELECT 1 FROM sweep_trials t WHERE t.run_id = runs.id)"
                + " ORDER BY created_at, id")) {
      Sql.setInstant(ps, 1, expiredBefore);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    List<String> claimed = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE runs SET heartbeat_at = ? WHERE id = ?"
                + " AND status = 'QUEUED' AND (heartbeat_at IS NULL OR heartbeat_at <= ?)")) {
      for (String id : ids) {
        Sql.setInstant(ps, 1, now);
        ps.setString(2, id);
        Sql.setInstant(ps, 3, expiredBefore);
        if (ps.executeUpdate() == 1) {
          claimed.add(id);
        }
      }
    }
    return claimed;
  }

  /** Renews the lease of {@code runIds} that are still QUEUED or RUNNING. */
  public static int heartbeat(Connection c, Collection<String> runIds, Instant now)
      throws SQLException {
    int renewed = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status IN ('QUEUED', 'RUNNING')")) {
      for (String id : runIds) {
        Sql.setInstant(ps, 1, now);
        ps.setString(2, id);
        renewed += ps.executeUpdate();
      }
    }
    return renewed;
  }

  /** Deletes a run; params and chunks go with it (ON DELETE CASCADE). */
  public static boolean delete(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM runs WHERE id = ?")) {
      ps.setString(1, runId);
      return ps.executeUpdate() > 0;
    }
  }

  public static Optional<RunRecord> find(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + RUN_COLUMNS + RUN_FROM + " WHERE r.id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(toRecord(rs)) : Optional.empty();
      }
    }
  }

  /** Newest first (created_at, then id, descending), one keyset page. */
  public static Page<RunRecord> list(Connection c, RunQuery query) throws SQLException {
    Long experimentId = null;
    if (query.experiment() != null) {
      Optional<Long> found = findExperimentId(c, query.experiment());
      if (found.isEmpty()) {
        return new Page<>(List.of(), null);
      }
      experimentId = found.get();
    }
    RunPageToken after = query.pageToken() == null ? null : RunPageToken.decode(query.pageToken());
    StringBuilder sql = new StringBuilder("SELECT " + RUN_COLUMNS + RUN_FROM + " WHERE 1 = 1");
    if (experimentId != null) {
      sql.append(" AND r.experiment_id = ?");
    }
    if (query.status() != null) {
      sql.append(" AND r.status = ?");
    }
    if (query.owner() != null) {
      sql.append(" AND r.owner = ?");
    }
    if (after != null) {
      // the first term lets the index bound the scan; the second is the exact keyset condition
      sql.append(" AND r.created_at <= ? AND (r.created_at < ? OR r.id < ?)");
    }
    sql.append(" ORDER BY r.created_at DESC, r.id DESC FETCH FIRST ? ROWS ONLY");
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      if (experimentId != null) {
        ps.setLong(i++, experimentId);
      }
      if (query.status() != null) {
        ps.setString(i++, query.status().name());
      }
      if (query.owner() != null) {
        ps.setString(i++, query.owner());
      }
      if (after != null) {
        Sql.setInstant(ps, i++, after.createdAt());
        Sql.setInstant(ps, i++, after.createdAt());
        ps.setString(i++, after.runId());
      }
      ps.setInt(i, query.limit() + 1);
      List<RunRecord> runs = new ArrayList<>(query.limit() + 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          runs.add(toRecord(rs));
        }
      }
      if (runs.size() <= query.limit()) {
        return new Page<>(List.copyOf(runs), null);
      }
      List<RunRecord> page = List.copyOf(runs.subList(0, query.limit()));
      RunRecord last = page.get(page.size() - 1);
      return new Page<>(page, new RunPageToken(last.createdAt(), last.id()).encode());
    }
  }

  private static RunRecord toRecord(ResultSet rs) throws SQLException {
    return new RunRecord(
        rs.getString("id"),
        rs.getString("experiment"),
        rs.getString("name"),
        RunStatus.valueOf(rs.getString("status")),
        Sql.getInstant(rs, "created_at"),
        Sql.getInstant(rs, "started_at"),
        Sql.getInstant(rs, "ended_at"),
        rs.getLong("seed"),
        rs.getString("device"),
        rs.getString("spec_hash"),
        rs.getString("spec_text"),
        rs.getString("message"),
        ProvenanceJson.read(rs.getString("provenance")),
        rs.getString("owner"));
  }
}
