package dev.cairn.core.onnx;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Registered models and run artifacts: rows in the tracking database (tables {@code models} and
 * {@code run_artifacts}), files under the data directory ({@code models/<id>.onnx}, {@code
 * runs/<run>/artifacts/<name>}). A file is written (to a temporary name, then moved) before its row
 * is committed, and removed again when the row cannot be, so a failed registration leaves nothing
 * behind. Blocking (JDBC, file I/O): call it off event loops.
 */
public final class ModelCatalog {
  // rows written by a later version may carry more fields: ignore them
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String MODEL_COLUMNS =
      "id, name, source, run_id, path, sha256, size_bytes, created_at, signature";

  private final DataSource db;
  private final Path dataDir;

  public ModelCatalog(DataSource db, Path dataDir) {
    this.db = db;
    this.dataDir = dataDir.toAbsolutePath().normalize();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Stores {@code bytes} as a new model and returns it. */
  public RegisteredModel register(
      String name,
      RegisteredModel.Source source,
      String runId,
      byte[] bytes,
      ModelSignature signature) {
    String id = newId();
    String relative = "models/" + id + ".onnx";
    Path file = dataDir.resolve(relative);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    writeAtomically(file, bytes);
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO models (" + MODEL_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, id);
      ps.setString(2, truncate(name, 255));
      ps.setString(3, source.name());
      ps.setString(4, runId);
      ps.setString(5, relative);
      ps.setString(6, sha256(bytes));
      ps.setLong(7, bytes.length);
      ps.setObject(8, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      ps.setString(9, JSON.writeValueAsString(signature));
      ps.executeUpdate();
      durable(c);
    } catch (SQLException | IOException | RuntimeException e) {
      deleteQuietly(file);
      throw new IllegalStateException(
          "could not register model '" + name + "': " + e.getMessage(), e);
    }
    return new RegisteredModel(
        id, truncate(name, 255), source, runId, file, sha256(bytes), bytes.length, now, signature);
  }

  public Optional<RegisteredModel> find(String id) {
    List<RegisteredModel> found =
        queryModels("SELECT " + MODEL_COLUMNS + " FROM models WHERE id = ?", id);
    return found.stream().findFirst();
  }

  /** The model registered for a run's export with these exact bytes, if any. */
  public Optional<RegisteredModel> findExport(String runId, String sha256) {
    return queryModels(
            "SELECT "
                + MODEL_COLUMNS
                + " FROM models WHERE run_id = ? AND sha256 = ? AND source = 'EXPORT'"
                + " ORDER BY created_at",
            runId,
            sha256)
        .stream()
        .findFirst();
  }

  /** Newest first, at most {@code limit}. */
  public List<RegisteredModel> list(int limit) {
    return queryModels(
        "SELECT "
            + MODEL_COLUMNS
            + " FROM models ORDER BY created_at DESC, id DESC FETCH FIRST "
            + Math.max(1, limit)
            + " ROWS ONLY");
  }

  /** Deletes a model's row, then its file; false when there was none. */
  public boolean delete(String id) {
    Optional<RegisteredModel> model = find(id);
    if (model.isEmpty()) {
      return false;
    }
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM models WHERE id = ?")) {
      ps.setString(1, id);
      ps.executeUpdate();
      durable(c);
    } catch (SQLException e) {
      throw new IllegalStateException("could not delete model '" + id + "': " + e.getMessage(), e);
    }
    deleteQuietly(model.get().file());
    return true;
  }

  /** Writes (or replaces) a run's artifact file and its row. */
  public RunArtifact putArtifact(
      String runId, String name, String kind, byte[] bytes, Map<String, Object> details) {
    String relative = "runs/" + runId + "/artifacts/" + name;
    Path file = dataDir.resolve(relative);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    writeAtomically(file, bytes);
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement del =
              c.prepareStatement("DELETE FROM run_artifacts WHERE run_id = ? AND name = ?");
          PreparedStatement ins =
              c.prepareStatement(
                  "INSERT INTO run_artifacts"
                      + " (run_id, name, kind, path, sha256, size_bytes, created_at, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        del.setString(1, runId);
        del.setString(2, name);
        del.executeUpdate();
        ins.setString(1, runId);
        ins.setString(2, name);
        ins.setString(3, kind);
        ins.setString(4, relative);
        ins.setString(5, sha256(bytes));
        ins.setLong(6, bytes.length);
        ins.setObject(7, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
        ins.setString(8, JSON.writeValueAsString(details));
        ins.executeUpdate();
        c.commit();
      } catch (SQLException | IOException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      durable(c);
    } catch (SQLException | IOException e) {
      throw new IllegalStateException(
          "could not record artifact '" + name + "' of run '" + runId + "': " + e.getMessage(), e);
    }
    return new RunArtifact(runId, name, kind, file, sha256(bytes), bytes.length, now, details);
  }

  public List<RunArtifact> artifacts(String runId) {
    List<RunArtifact> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT run_id, name, kind, path, sha256, size_bytes, created_at, details"
                    + " FROM run_artifacts WHERE run_id = ? ORDER BY name")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new RunArtifact(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  dataDir.resolve(rs.getString(4)),
                  rs.getString(5),
                  rs.getLong(6),
                  rs.getObject(7, OffsetDateTime.class).toInstant(),
                  JSON.readValue(rs.getString(8), new TypeReference<Map<String, Object>>() {})));
        }
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException(
          "could not read the artifacts of run '" + runId + "': " + e.getMessage(), e);
    }
    return out;
  }

  public Optional<RunArtifact> artifact(String runId, String name) {
    return artifacts(runId).stream().filter(a -> a.name().equals(name)).findFirst();
  }

  private List<RegisteredModel> queryModels(String sql, String... args) {
    List<RegisteredModel> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new RegisteredModel(
                  rs.getString(1),
                  rs.getString(2),
                  RegisteredModel.Source.valueOf(rs.getString(3)),
                  rs.getString(4),
                  dataDir.resolve(rs.getString(5)),
                  rs.getString(6),
                  rs.getLong(7),
                  rs.getObject(8, OffsetDateTime.class).toInstant(),
                  JSON.readValue(rs.getString(9), ModelSignature.class)));
        }
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("could not read registered models: " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * H2 writes committed data to its file up to a second later; a checkpoint makes it durable now.
   */
  private static void durable(Connection c) throws SQLException {
    if (c.getMetaData().getURL().startsWith("jdbc:h2:")) {
      try (Statement s = c.createStatement()) {
        s.execute("CHECKPOINT");
      }
    }
  }

  private static void writeAtomically(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new IllegalStateException("could not write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a stray file is harmless: no row points at it
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private String newId() {
    while (true) {
      char[] id = new char[8];
      for (int i = 0; i < id.length; i++) {
        id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
      }
      String candidate = new String(id);
      if (find(candidate).isEmpty()) {
        return candidate;
      }
    }
  }
}
