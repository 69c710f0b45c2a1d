package dev.cairn.server.mlflow;

import dev.cairn.core.tracking.TrackingDatabase;
import dev.cairn.core.tracking.TrackingStoreException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What MLflow keeps beside Cairn's runs (the V9 tables), plus the few writes to Cairn's own tables
 * MLflow needs that the store writer does not offer (experiment names, run names, run tags).
 * Blocking JDBC: call it from a worker.
 */
final class MlflowStore {
  static final String ACTIVE = "active";
  static final String DELETED = "deleted";

  /** An experiment as MLflow sees it. */
  record Experiment(
      long id,
      String name,
      long creationTime,
      String stage,
      String artifactLocation,
      long lastUpdate,
      Map<String, String> tags) {}

  /** A registered model's row. */
  record RegisteredModel(
      String name,
      long created,
      long updated,
      String description,
      String owner,
      Map<String, String> tags,
      Map<String, Integer> aliases) {}

  /** A model version's row. */
  record ModelVersion(
      String name,
      int version,
      long created,
      long updated,
      String description,
      String source,
      String runId,
      String runLink,
      String status,
      String stage,
      Map<String, String> tags,
      List<String> aliases) {}

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** How many rows one list read takes from the database at most. */
  static final int PAGE_SIZE = 1000;

  private final TrackingDatabase db;
  private final int pageSize;

  /** The MLflow tables of {@code db} (experiments' and runs' MLflow fields, the model registry). */
  MlflowStore(TrackingDatabase db) {
    this(db, PAGE_SIZE);
  }

  /** As {@link #MlflowStore(TrackingDatabase)}, reading lists {@code pageSize} rows at a time. */
  MlflowStore(TrackingDatabase db, int pageSize) {
    if (pageSize < 1) {
      throw new IllegalArgumentException("page size must be at least 1, was " + pageSize);
    }
    this.db = db;
    this.pageSize = pageSize;
  }

  /** Runs {@code work} through the tracking store's writer, in one durable transaction. */
  <T> T tx(Work<T> work) {
    try {
      return db.write(work::run);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Runs {@code work} on a pooled connection: reads only. */
  <T> T read(Work<T> work) {
    try {
      return db.read(work::run);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  private static RuntimeException failed(SQLException e) {
    if ("23505".equals(e.getSQLState())) {
      return MlflowException.exists("already exists: " + firstLine(e.getMessage()));
    }
    return new TrackingStoreException("MLflow store: " + e.getMessage(), e);
  }

  private static String firstLine(String s) {
    int nl = s == null ? -1 : s.indexOf('\n');
    return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
  }

  // ---- experiments

  Optional<Experiment> experiment(long id) {
    return read(c -> experiments(c, "e.id = ?", id).stream().findFirst());
  }

  Optional<Experiment> experimentByName(String name) {
    return read(c -> experiments(c, "e.name = ?", name).stream().findFirst());
  }

  /**
   * Hands every experiment, by id, to {@code visitor}, reading them a page at a time; stops early
   * once the visitor answers false.
   */
  void scanExperiments(Predicate<Experiment> visitor) {
    scan((offset, limit) -> read(c -> experiments(c, "1 = 1", null, offset, limit)), visitor);
  }

  /** Hands every registered model, by name, to {@code visitor} a page at a time (see scan). */
  void scanRegisteredModels(Predicate<RegisteredModel> visitor) {
    scan((offset, limit) -> read(c -> registeredModels(c, null, offset, limit)), visitor);
  }

  /**
   * Hands every model version, by name and then newest version first, to {@code visitor} a page at
   * a time (see scan).
   */
  void scanModelVersions(Predicate<ModelVersion> visitor) {
    scan((offset, limit) -> read(c -> modelVersions(c, null, null, true, offset, limit)), visitor);
  }

  private interface PageReader<T> {
    List<T> page(long offset, int limit);
  }

  private <T> void scan(PageReader<T> reader, Predicate<T> visitor) {
    for (long offset = 0; ; offset += pageSize) {
      List<T> page = reader.page(offset, pageSize);
      for (T t : page) {
        if (!visitor.test(t)) {
          return;
        }
      }
      if (page.size() < pageSize) {
        return;
      }
    }
  }

  private static String paged(long limit) {
    return limit > 0 ? " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY" : "";
  }

  private static int bindPage(PreparedStatement ps, int i, long offset, int limit)
      throws SQLException {
    if (limit > 0) {
      ps.setLong(i++, offset);
      ps.setInt(i++, limit);
    }
    return i;
  }

  /** {@code (?, ?, ...)} with {@code n} markers, n at least 1. */
  private static String markers(int n) {
    return "(" + String.join(", ", java.util.Collections.nCopies(n, "?")) + ")";
  }

  private static List<Experiment> experiments(Connection c, String where, Object arg)
      throws SQLException {
    return experiments(c, where, arg, 0, 0);
  }

  private static List<Experiment> experiments(
      Connection c, String where, Object arg, long offset, int limit) throws SQLException {
    String sql =
        "SELECT e.id, e.name, e.created_at, m.lifecycle_stage, m.artifact_location, m.last_update_time"
            + " FROM experiments e LEFT JOIN mlflow_experiments m ON m.experiment_id = e.id WHERE "
            + where
            + " ORDER BY e.id"
            + paged(limit);
    List<Experiment> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (arg != null) {
        ps.setObject(i++, arg);
      }
      bindPage(ps, i, offset, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long id = rs.getLong(1);
          OffsetDateTime at = rs.getObject(3, OffsetDateTime.class);
          long created = at == null ? 0 : at.toInstant().toEpochMilli();
          String stage = rs.getString(4);
          long updated = rs.getObject(6) == null ? created : rs.getLong(6);
          out.add(
              new Experiment(
                  id,
                  rs.getString(2),
                  created,
                  stage == null ? ACTIVE : stage,
                  rs.getString(5),
                  updated,
                  new LinkedHashMap<>()));
        }
      }
    }
    if (out.isEmpty()) {
      return out;
    }
    Map<Long, Experiment> byId = new LinkedHashMap<>();
    out.forEach(e -> byId.put(e.id(), e));
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT experiment_id, tag_key, tag_value FROM mlflow_experiment_tags WHERE experiment_id IN "
                + markers(byId.size())
                + " ORDER BY experiment_id, tag_key")) {
      int i = 1;
      for (Long id : byId.keySet()) {
        ps.setLong(i++, id);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Experiment e = byId.get(rs.getLong(1));
          if (e != null) {
            e.tags().put(rs.getString(2), rs.getString(3));
          }
        }
      }
    }
    return out;
  }

  long createExperiment(String name, String artifactLocation, Map<String, String> tags) {
    return tx(
        c -> {
          if (!experiments(c, "e.name = ?", name).isEmpty()) {
            throw MlflowException.exists("Experiment '" + name + "' already exists.");
          }
          long now = System.currentTimeMillis();
          long id;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO experiments (name, created_at) VALUES (?, ?)",
                  new String[] {"id"})) {
            ps.setString(1, name);
            ps.setObject(2, OffsetDateTime.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
              keys.next();
              id = keys.getLong(1);
            }
          }
          upsertMeta(c, id, ACTIVE, artifactLocation, now);
          for (var t : tags.entrySet()) {
            setExperimentTag(c, id, t.getKey(), t.getValue());
          }
          return id;
        });
  }

  private static void upsertMeta(
      Connection c, long id, String stage, String artifactLocation, long now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "MERGE INTO mlflow_experiments (experiment_id, lifecycle_stage, artifact_location, last_update_time)"
                + " KEY (experiment_id) VALUES (?, ?, ?, ?)")) {
      ps.setLong(1, id);
      ps.setString(2, stage);
      ps.setString(3, artifactLocation);
      ps.setLong(4, now);
      ps.executeUpdate();
    }
  }

  void setExperimentStage(Experiment e, String stage) {
    tx(
        c -> {
          upsertMeta(c, e.id(), stage, e.artifactLocation(), System.currentTimeMillis());
          return null;
        });
  }

  void renameExperiment(Experiment e, String newName) {
    List<String> runs =
        tx(
            c -> {
              if (!experiments(c, "e.name = ? AND e.id <> " + e.id(), newName).isEmpty()) {
                throw MlflowException.exists("Experiment '" + newName + "' already exists.");
              }
              try (PreparedStatement ps =
                  c.prepareStatement("UPDATE experiments SET name = ? WHERE id = ?")) {
                ps.setString(1, newName);
                ps.setLong(2, e.id());
                ps.executeUpdate();
              }
              upsertMeta(c, e.id(), e.stage(), e.artifactLocation(), System.currentTimeMillis());
              List<String> ids = new ArrayList<>();
              try (PreparedStatement ps =
                  c.prepareStatement("SELECT id FROM runs WHERE experiment_id = ?")) {
                ps.setLong(1, e.id());
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    ids.add(rs.getString(1));
                  }
                }
              }
              return ids;
            });
    // the runs now show under the new name
    runs.forEach(db::runChanged);
  }

  void setExperimentTag(long id, String key, String value) {
    tx(
        c -> {
          setExperimentTag(c, id, key, value);
          return null;
        });
  }

  private static void setExperimentTag(Connection c, long id, String key, String value)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "MERGE INTO mlflow_experiment_tags (experiment_id, tag_key, tag_value) KEY (experiment_id, tag_key) VALUES (?, ?, ?)")) {
      ps.setLong(1, id);
      ps.setString(2, key);
      ps.setString(3, value);
      ps.executeUpdate();
    }
  }

  boolean deleteExperimentTag(long id, String key) {
    return tx(
        c ->
            update(
                    c,
                    "DELETE FROM mlflow_experiment_tags WHERE experiment_id = ? AND tag_key = ?",
                    id,
                    key)
                > 0);
  }

  // ---- runs

  /** Ids of the runs MLflow's delete-run marked deleted. */
  Set<String> deletedRuns() {
    return read(
        c -> {
          Set<String> out = new HashSet<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT run_id FROM mlflow_run_stages WHERE lifecycle_stage = 'deleted'");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
          }
          return out;
        });
  }

  String runStage(String runId) {
    return read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT lifecycle_stage FROM mlflow_run_stages WHERE run_id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getString(1) : ACTIVE;
            }
          }
        });
  }

  void setRunStage(String runId, String stage) {
    tx(
        c -> {
          if (stage.equals(ACTIVE)) {
            update(c, "DELETE FROM mlflow_run_stages WHERE run_id = ?", runId);
          } else {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "MERGE INTO mlflow_run_stages (run_id, lifecycle_stage, deleted_time) KEY (run_id) VALUES (?, ?, ?)")) {
              ps.setString(1, runId);
              ps.setString(2, stage);
              ps.setLong(3, System.currentTimeMillis());
              ps.executeUpdate();
            }
          }
          return null;
        });
  }

  void renameRun(String runId, String name) {
    if (tx(c -> update(c, "UPDATE runs SET name = ? WHERE id = ?", name, runId)) > 0) {
      db.runChanged(runId);
    }
  }

  Map<String, String> runTags(String runId) {
    return read(
        c -> {
          Map<String, String> out = new LinkedHashMap<>();
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
          return out;
        });
  }

  void setRunTags(String runId, Map<String, String> tags) {
    if (tags.isEmpty()) {
      return;
    }
    tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "MERGE INTO run_tags (run_id, tag_key, tag_value) KEY (run_id, tag_key) VALUES (?, ?, ?)")) {
            for (var t : tags.entrySet()) {
              ps.setString(1, runId);
              ps.setString(2, t.getKey());
              ps.setString(3, t.getValue());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  boolean deleteRunTag(String runId, String key) {
    return tx(
        c -> update(c, "DELETE FROM run_tags WHERE run_id = ? AND tag_key = ?", runId, key) > 0);
  }

  /** Adds datasets a run used (a dataset already logged with the same name and digest is kept). */
  void addInputs(String runId, List<JsonObject> datasetInputs) {
    tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "MERGE INTO mlflow_run_inputs (run_id, name, digest, source_type, source, schema_text, profile, input_tags)"
                      + " KEY (run_id, name, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (JsonObject input : datasetInputs) {
              JsonObject d = input.getJsonObject("dataset");
              ps.setString(1, runId);
              ps.setString(2, d.getString("name"));
              ps.setString(3, d.getString("digest"));
              ps.setString(4, d.getString("source_type"));
              ps.setString(5, d.getString("source"));
              ps.setString(6, d.getString("schema"));
              ps.setString(7, d.getString("profile"));
              ps.setString(8, input.getJsonArray("tags", new JsonArray()).encode());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  JsonArray inputs(String runId) {
    return read(
        c -> {
          JsonArray out = new JsonArray();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT name, digest, source_type, source, schema_text, profile, input_tags FROM mlflow_run_inputs"
                      + " WHERE run_id = ? ORDER BY name, digest")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                JsonObject d =
                    new JsonObject()
                        .put("name", rs.getString(1))
                        .put("digest", rs.getString(2))
                        .put("source_type", rs.getString(3))
                        .put("source", rs.getString(4));
                if (rs.getString(5) != null) {
                  d.put("schema", rs.getString(5));
                }
                if (rs.getString(6) != null) {
                  d.put("profile", rs.getString(6));
                }
                out.add(
                    new JsonObject().put("tags", new JsonArray(rs.getString(7))).put("dataset", d));
              }
            }
          }
          return out;
        });
  }

  // ---- the model registry

  Optional<RegisteredModel> registeredModel(String name) {
    return read(c -> registeredModels(c, name).stream().findFirst());
  }

  private static List<RegisteredModel> registeredModels(Connection c, String name)
      throws SQLException {
    return registeredModels(c, name, 0, 0);
  }

  private static List<RegisteredModel> registeredModels(
      Connection c, String name, long offset, int limit) throws SQLException {
    List<RegisteredModel> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT name, creation_timestamp, last_updated_timestamp, description, owner FROM mlflow_registered_models"
                + (name == null ? "" : " WHERE name = ?")
                + " ORDER BY name"
                + paged(limit))) {
      int i = 1;
      if (name != null) {
        ps.setString(i++, name);
      }
      bindPage(ps, i, offset, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new RegisteredModel(
                  rs.getString(1),
                  rs.getLong(2),
                  rs.getLong(3),
                  rs.getString(4),
                  rs.getString(5),
                  new LinkedHashMap<>(),
                  new LinkedHashMap<>()));
        }
      }
    }
    if (out.isEmpty()) {
      return out;
    }
    Map<String, RegisteredModel> byName = new LinkedHashMap<>();
    out.forEach(m -> byName.put(m.name(), m));
    try (PreparedStatement ps =
            byNames(
                c,
                "SELECT name, tag_key, tag_value FROM mlflow_registered_model_tags WHERE name IN %s ORDER BY tag_key",
                byName.keySet());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        RegisteredModel m = byName.get(rs.getString(1));
        if (m != null) {
          m.tags().put(rs.getString(2), rs.getString(3));
        }
      }
    }
    try (PreparedStatement ps =
            byNames(
                c,
                "SELECT name, alias, version FROM mlflow_model_aliases WHERE name IN %s ORDER BY alias",
                byName.keySet());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        RegisteredModel m = byName.get(rs.getString(1));
        if (m != null) {
          m.aliases().put(rs.getString(2), rs.getInt(3));
        }
      }
    }
    return out;
  }

  /** {@code sql} with its one {@code %s} made an IN list of {@code names}, bound. */
  private static PreparedStatement byNames(Connection c, String sql, Set<String> names)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(String.format(sql, markers(names.size())));
    try {
      int i = 1;
      for (String n : names) {
        ps.setString(i++, n);
      }
      return ps;
    } catch (SQLException e) {
      ps.close();
      throw e;
    }
  }

  void createRegisteredModel(
      String name, String description, Map<String, String> tags, String owner) {
    tx(
        c -> {
          if (!registeredModels(c, name).isEmpty()) {
            throw MlflowException.exists("Registered Model (name=" + name + ") already exists.");
          }
          long now = System.currentTimeMillis();
          update(
              c,
              "INSERT INTO mlflow_registered_models (name, creation_timestamp, last_updated_timestamp, description, owner)"
                  + " VALUES (?, ?, ?, ?, ?)",
              name,
              now,
              now,
              description,
              owner);
          for (var t : tags.entrySet()) {
            update(
                c,
                "INSERT INTO mlflow_registered_model_tags (name, tag_key, tag_value) VALUES (?, ?, ?)",
                name,
                t.getKey(),
                t.getValue());
          }
          return null;
        });
  }

  void updateRegisteredModel(String name, String description) {
    tx(
        c ->
            update(
                c,
                "UPDATE mlflow_registered_models SET description = ?, last_updated_timestamp = ? WHERE name = ?",
                description,
                System.currentTimeMillis(),
                name));
  }

  void renameRegisteredModel(String name, String newName) {
    tx(
        c -> {
          if (!registeredModels(c, newName).isEmpty()) {
            throw MlflowException.exists("Registered Model (name=" + newName + ") already exists.");
          }
          return update(
              c,
              "UPDATE mlflow_registered_models SET name = ?, last_updated_timestamp = ? WHERE name = ?",
              newName,
              System.currentTimeMillis(),
              name);
        });
  }

  boolean deleteRegisteredModel(String name) {
    return tx(c -> update(c, "DELETE FROM mlflow_registered_models WHERE name = ?", name) > 0);
  }

  void setRegisteredModelTag(String name, String key, String value) {
    tx(
        c ->
            update(
                c,
                "MERGE INTO mlflow_registered_model_tags (name, tag_key, tag_value) KEY (name, tag_key) VALUES (?, ?, ?)",
                name,
                key,
                value));
  }

  boolean deleteRegisteredModelTag(String name, String key) {
    return tx(
        c ->
            update(
                    c,
                    "DELETE FROM mlflow_registered_model_tags WHERE name = ? AND tag_key = ?",
                    name,
                    key)
                > 0);
  }

  void setAlias(String name, String alias, int version) {
    tx(
        c ->
            update(
                c,
                "MERGE INTO mlflow_model_aliases (name, alias, version) KEY (name, alias) VALUES (?, ?, ?)",
                name,
                alias,
                version));
  }

  boolean deleteAlias(String name, String alias) {
    return tx(
        c ->
            update(c, "DELETE FROM mlflow_model_aliases WHERE name = ? AND alias = ?", name, alias)
                > 0);
  }

  List<ModelVersion> modelVersions(String name) {
    return read(c -> modelVersions(c, name, null));
  }

  Optional<ModelVersion> modelVersion(String name, int version) {
    return read(c -> modelVersions(c, name, version).stream().findFirst());
  }

  /**
   * The newest version of model {@code name} in each stage that has one (at most one per stage),
   * read without the model's other versions.
   */
  List<ModelVersion> latestVersions(String name) {
    return read(c -> modelVersions(c, name, null, false, 0, 0, true));
  }

  private static List<ModelVersion> modelVersions(Connection c, String name, Integer version)
      throws SQLException {
    return modelVersions(c, name, version, false, 0, 0);
  }

  private static List<ModelVersion> modelVersions(
      Connection c, String name, Integer version, boolean newestFirst, long offset, int limit)
      throws SQLException {
    return modelVersions(c, name, version, newestFirst, offset, limit, false);
  }

  private static List<ModelVersion> modelVersions(
      Connection c,
      String name,
      Integer version,
      boolean newestFirst,
      long offset,
      int limit,
      boolean latestPerStage)
      throws SQLException {
    List<ModelVersion> out = new ArrayList<>();
    StringBuilder sql =
        new StringBuilder(
            "SELECT name, version, creation_timestamp, last_updated_timestamp, description,"
                + " source, run_id, run_link, status, current_stage FROM mlflow_model_versions WHERE 1 = 1");
    if (name != null) {
      sql.append(" AND name = ?");
    }
    if (version != null) {
      sql.append(" AND version = ?");
    }
    if (latestPerStage) {
      sql.append(
          " AND version IN (SELECT MAX(version) FROM mlflow_model_versions WHERE name = ?"
              + " GROUP BY current_stage)");
    }
    sql.append(newestFirst ? " ORDER BY name, version DESC" : " ORDER BY name, version");
    sql.append(paged(limit));
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      if (name != null) {
        ps.setString(i++, name);
      }
      if (version != null) {
        ps.setInt(i++, version);
      }
      if (latestPerStage) {
        ps.setString(i++, name);
      }
      bindPage(ps, i, offset, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new ModelVersion(
                  rs.getString(1),
                  rs.getInt(2),
                  rs.getLong(3),
                  rs.getLong(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getString(9),
                  rs.getString(10),
                  new LinkedHashMap<>(),
                  new ArrayList<>()));
        }
      }
    }
    if (out.isEmpty()) {
      return out;
    }
    Map<String, ModelVersion> byKey = new LinkedHashMap<>();
    Set<String> names = new LinkedHashSet<>();
    out.forEach(
        v -> {
          byKey.put(v.name() + "\u0000" + v.version(), v);
          names.add(v.name());
        });
    try (PreparedStatement ps =
            byNames(
                c,
                "SELECT name, version, tag_key, tag_value FROM mlflow_model_version_tags WHERE name IN %s ORDER BY tag_key",
                names);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ModelVersion v = byKey.get(rs.getString(1) + "\u0000" + rs.getInt(2));
        if (v != null) {
          v.tags().put(rs.getString(3), rs.getString(4));
        }
      }
    }
    try (PreparedStatement ps =
            byNames(
                c,
                "SELECT name, version, alias FROM mlflow_model_aliases WHERE name IN %s ORDER BY alias",
                names);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ModelVersion v = byKey.get(rs.getString(1) + "\u0000" + rs.getInt(2));
        if (v != null) {
          v.aliases().add(rs.getString(3));
        }
      }
    }
    return out;
  }

  /** Adds the next version of a registered model; returns its number. */
  int createModelVersion(
      String name,
      String source,
      String runId,
      String runLink,
      String description,
      Map<String, String> tags) {
    return tx(
        c -> {
          int next;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COALESCE(MAX(version), 0) + 1 FROM mlflow_model_versions WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              next = rs.getInt(1);
            }
          }
          long now = System.currentTimeMillis();
          update(
              c,
              "INSERT INTO mlflow_model_versions (name, version, creation_timestamp, last_updated_timestamp, description,"
                  + " source, run_id, run_link, status, current_stage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'READY', 'None')",
              name,
              next,
              now,
              now,
              description,
              source,
              runId,
              runLink);
          for (var t : tags.entrySet()) {
            update(
                c,
                "INSERT INTO mlflow_model_version_tags (name, version, tag_key, tag_value) VALUES (?, ?, ?, ?)",
                name,
                next,
                t.getKey(),
                t.getValue());
          }
          update(
              c,
              "UPDATE mlflow_registered_models SET last_updated_timestamp = ? WHERE name = ?",
              now,
              name);
          return next;
        });
  }

  void updateModelVersion(String name, int version, String description) {
    tx(
        c ->
            update(
                c,
                "UPDATE mlflow_model_versions SET description = ?, last_updated_timestamp = ? WHERE name = ? AND version = ?",
                description,
                System.currentTimeMillis(),
                name,
                version));
  }

  void transitionStage(String name, int version, String stage, boolean archiveExisting) {
    tx(
        c -> {
          long now = System.currentTimeMillis();
          if (archiveExisting && (stage.equals("Staging") || stage.equals("Production"))) {
            update(
                c,
                "UPDATE mlflow_model_versions SET current_stage = 'Archived', last_updated_timestamp = ?"
                    + " WHERE name = ? AND version <> ? AND current_stage IN ('Staging', 'Production')",
                now,
                name,
                version);
          }
          return update(
              c,
              "UPDATE mlflow_model_versions SET current_stage = ?, last_updated_timestamp = ? WHERE name = ? AND version = ?",
              stage,
              now,
              name,
              version);
        });
  }

  boolean deleteModelVersion(String name, int version) {
    return tx(
        c ->
            update(
                    c,
                    "DELETE FROM mlflow_model_versions WHERE name = ? AND version = ?",
                    name,
                    version)
                > 0);
  }

  void setModelVersionTag(String name, int version, String key, String value) {
    tx(
        c ->
            update(
                c,
                "MERGE INTO mlflow_model_version_tags (name, version, tag_key, tag_value) KEY (name, version, tag_key)"
                    + " VALUES (?, ?, ?, ?)",
                name,
                version,
                key,
                value));
  }

  boolean deleteModelVersionTag(String name, int version, String key) {
    return tx(
        c ->
            update(
                    c,
                    "DELETE FROM mlflow_model_version_tags WHERE name = ? AND version = ? AND tag_key = ?",
                    name,
                    version,
                    key)
                > 0);
  }

  private static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    }
  }
}
