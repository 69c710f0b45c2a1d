package dev.cairn.core.sweep;

import dev.cairn.core.tracking.TrackingDatabase;
import dev.cairn.core.tracking.TrackingStoreException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link SweepStore} on the tracking database (tables from {@code V4__sweeps.sql}): every write is
 * one transaction through the tracking store's writer ({@link TrackingDatabase#write}), committed
 * durably, so a kill -9 right after it loses nothing; reads on its pool.
 */
public final class H2SweepStore implements SweepStore {
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String TRIAL_COLUMNS =
      "sweep_id, trial_no, run_id, status, params, objective,"
          + " objective_step, pruned_step, attempts, worker, message, created_at, dispatched_at, running_at,"
          + " first_metric_at, first_stored_at, ended_at";
  private static final String SWEEP_COLUMNS =
      "id, name, experiment, status, method, metric, goal, run_cap,"
          + " parallel, seed, spec_hash, sweep_text, base_text, created_at, ended_at, message";

  private final TrackingDatabase db;

  public H2SweepStore(TrackingDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  @Override
  public SweepRecord create(SweepSpec spec, String specHash) {
    SweepRecord record =
        new SweepRecord(
            newId(),
            spec.name(),
            spec.experiment(),
            SweepStatus.RUNNING,
            spec.method(),
            spec.metric(),
            spec.goal(),
            spec.runCap(),
            spec.parallel(),
            spec.seed(),
            specHash,
            spec.text(),
            spec.baseText(),
            now(),
            null,
            null);
    write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO sweeps ("
                      + SWEEP_COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, record.id());
            ps.setString(2, record.name());
            ps.setString(3, record.experiment());
            ps.setString(4, record.status().name());
            ps.setString(5, record.method().name());
            ps.setString(6, record.metric());
            ps.setString(7, record.goal().name());
            ps.setInt(8, record.runCap());
            ps.setInt(9, record.parallel());
            ps.setLong(10, record.seed());
            ps.setString(11, specHash);
            ps.setString(12, record.sweepText());
            ps.setString(13, record.baseText());
            setInstant(ps, 14, record.createdAt());
            setInstant(ps, 15, null);
            ps.setString(16, null);
            ps.executeUpdate();
          }
          return null;
        });
    return record;
  }

  @Override
  public Optional<SweepRecord> find(String id) {
    return read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + SWEEP_COLUMNS + " FROM sweeps WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(sweep(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public Optional<SweepRecord> findRunning(String specHash) {
    return read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + SWEEP_COLUMNS
                      + " FROM sweeps"
                      + " WHERE spec_hash = ? AND status = 'RUNNING' ORDER BY created_at DESC FETCH FIRST 1 ROWS ONLY")) {
            ps.setString(1, specHash);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(sweep(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public List<SweepRecord> list(SweepStatus status, int limit) {
    return read(
        c -> {
          String sql =
              "SELECT "
                  + SWEEP_COLUMNS
                  + " FROM sweeps"
                  + (status == null ? "" : " WHERE status = ?")
                  + " ORDER BY created_at DESC, id DESC FETCH FIRST ? ROWS ONLY";
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (status != null) {
              ps.setString(i++, status.name());
            }
            ps.setInt(i, limit);
            List<SweepRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(sweep(rs));
              }
            }
            return out;
          }
        });
  }

  @Override
  public void updateLimits(String sweepId, int runCap, int parallel) {
    write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE sweeps SET run_cap = ?, parallel = ? WHERE id = ?")) {
            ps.setInt(1, runCap);
            ps.setInt(2, parallel);
            ps.setString(3, sweepId);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public void end(String sweepId, SweepStatus status, String message) {
    write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE sweeps SET status = ?, ended_at = ?, message = ? WHERE id = ? AND status = 'RUNNING'")) {
            ps.setString(1, status.name());
            setInstant(ps, 2, now());
            ps.setString(3, message);
            ps.setString(4, sweepId);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public void saveTrial(TrialRecord t) {
    write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "MERGE INTO sweep_trials ("
                      + TRIAL_COLUMNS
                      + ") KEY (sweep_id, trial_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, t.sweepId());
            ps.setInt(2, t.trialNo());
            ps.setString(3, t.runId());
            ps.setString(4, t.status().name());
            ps.setString(5, ValueKeys.toJson(t.params()));
            setDouble(ps, 6, t.objective());
            setLong(ps, 7, t.objectiveStep());
            setLong(ps, 8, t.prunedStep());
            ps.setInt(9, t.attempts());
            ps.setString(10, t.worker());
            ps.setString(11, t.message() == null ? null : truncate(t.message()));
            setInstant(ps, 12, t.createdAt());
            setInstant(ps, 13, t.dispatchedAt());
            setInstant(ps, 14, t.runningAt());
            setInstant(ps, 15, t.firstMetricAt());
            setInstant(ps, 16, t.firstStoredAt());
            setInstant(ps, 17, t.endedAt());
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public List<TrialRecord> trials(String sweepId, int limit, int offset) {
    if (limit < 1 || limit > MAX_PAGE || offset < 0) {
      throw new IllegalArgumentException(
          "a page is 1.."
              + MAX_PAGE
              + " trials from an offset >= 0, not "
              + limit
              + " from "
              + offset);
    }
    return read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + TRIAL_COLUMNS
                      + " FROM sweep_trials WHERE sweep_id = ? ORDER BY trial_no"
                      + " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
            ps.setString(1, sweepId);
            ps.setInt(2, offset);
            ps.setInt(3, limit);
            List<TrialRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(trial(rs));
              }
            }
            return out;
          }
        });
  }

  @Override
  public Optional<TrialRecord> trialOfRun(String runId) {
    return read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + TRIAL_COLUMNS + " FROM sweep_trials WHERE run_id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(trial(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public boolean requeueRun(String runId) {
    boolean requeued =
        write(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE runs SET status = 'QUEUED', started_at = NULL,"
                          + " ended_at = NULL, message = NULL WHERE id = ? AND status <> 'FINISHED'")) {
                ps.setString(1, runId);
                return ps.executeUpdate() > 0;
              }
            });
    if (requeued) {
      db.runChanged(runId);
    }
    return requeued;
  }

  @Override
  public int deleteOrphanRuns(String sweepId) {
    List<String> deleted =
        write(
            c -> {
              List<String> ids = new ArrayList<>();
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id FROM runs WHERE status IN ('QUEUED', 'FAILED')"
                          + " AND started_at IS NULL AND id IN (SELECT p.run_id FROM params p WHERE p.param_key = 'sweep.id'"
                          + " AND p.param_value = ?) AND id NOT IN (SELECT t.run_id FROM sweep_trials t WHERE t.sweep_id = ?)")) {
                ps.setString(1, sweepId);
                ps.setString(2, sweepId);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    ids.add(rs.getString(1));
                  }
                }
              }
              try (PreparedStatement ps = c.prepareStatement("DELETE FROM runs WHERE id = ?")) {
                for (String id : ids) {
                  ps.setString(1, id);
                  ps.addBatch();
                }
                if (!ids.isEmpty()) {
                  ps.executeBatch();
                }
              }
              return ids;
            });
    deleted.forEach(db::runChanged);
    return deleted.size();
  }

  private static SweepRecord sweep(ResultSet rs) throws SQLException {
    return new SweepRecord(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("experiment"),
        SweepStatus.valueOf(rs.getString("status")),
        SweepMethod.valueOf(rs.getString("method")),
        rs.getString("metric"),
        Goal.valueOf(rs.getString("goal")),
        rs.getInt("run_cap"),
        rs.getInt("parallel"),
        rs.getLong("seed"),
        rs.getString("spec_hash"),
        rs.getString("sweep_text"),
        rs.getString("base_text"),
        getInstant(rs, "created_at"),
        getInstant(rs, "ended_at"),
        rs.getString("message"));
  }

  private static TrialRecord trial(ResultSet rs) throws SQLException {
    double objective = rs.getDouble("objective");
    Double obj = rs.wasNull() ? null : objective;
    long objectiveStep = rs.getLong("objective_step");
    Long objStep = rs.wasNull() ? null : objectiveStep;
    long prunedStep = rs.getLong("pruned_step");
    Long pruned = rs.wasNull() ? null : prunedStep;
    return new TrialRecord(
        rs.getString("sweep_id"),
        rs.getInt("trial_no"),
        rs.getString("run_id"),
        TrialState.valueOf(rs.getString("status")),
        ValueKeys.fromJson(rs.getString("params")),
        obj,
        objStep,
        pruned,
        rs.getInt("attempts"),
        rs.getString("worker"),
        rs.getString("message"),
        getInstant(rs, "created_at"),
        getInstant(rs, "dispatched_at"),
        getInstant(rs, "running_at"),
        getInstant(rs, "first_metric_at"),
        getInstant(rs, "first_stored_at"),
        getInstant(rs, "ended_at"));
  }

  private <T> T read(TrackingDatabase.Work<T> work) {
    try {
      return db.read(work);
    } catch (SQLException e) {
      throw new TrackingStoreException("Sweep store read failed: " + e.getMessage(), e);
    }
  }

  private <T> T write(TrackingDatabase.Work<T> work) {
    try {
      return db.write(work);
    } catch (SQLException e) {
      throw new TrackingStoreException("Sweep store write failed: " + e.getMessage(), e);
    }
  }

  private static Instant now() {
    return SweepStore.now();
  }

  private static String newId() {
    char[] id = new char[8];
    for (int i = 0; i < id.length; i++) {
      id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(id);
  }

  private static String truncate(String s) {
    return s.length() <= 8192 ? s : s.substring(0, 8189) + "...";
  }

  private static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
    ps.setObject(i, t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
  }

  private static Instant getInstant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
    if (v == null || !Double.isFinite(v)) {
      ps.setNull(i, Types.DOUBLE);
    } else {
      ps.setDouble(i, v);
    }
  }

  private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }
}
