package dev.cairn.core.onnx;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.core.tracking.TrackingDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link ModelCatalog} on the tracking database (tables {@code models} and {@code run_artifacts})
 * and the data directory: rows written through the tracking store's writer ({@link
 * TrackingDatabase#write}), committed durably, after their files.
 */
public final class H2ModelCatalog implements ModelCatalog {
  // rows written by a later version may carry more fields: ignore them
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String MODEL_COLUMNS =
      "id, name, source, run_id, path, sha256, size_bytes, created_at, signature";

  private final TrackingDatabase db;
  private final Path dataDir;

  public H2ModelCatalog(TrackingDatabase db, Path dataDir) {
    this.db = Objects.requireNonNull(db, "db");
    this.dataDir = dataDir.toAbsolutePath().normalize();
  }

  @Override
  public Path dataDir() {
    return dataDir;
  }

  @Override
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
    try {
      String signatureJson = JSON.writeValueAsString(signature);
      db.write(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO models ("
                        + MODEL_COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
              ps.setString(1, id);
              ps.setString(2, truncate(name, 255));
              ps.setString(3, source.name());
              ps.setString(4, runId);
              ps.setString(5, relative);
              ps.setString(6, ModelCatalog.sha256(bytes));
              ps.setLong(7, bytes.length);
              ps.setObject(8, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
              ps.setString(9, signatureJson);
              ps.executeUpdate();
            }
            return null;
          });
    } catch (SQLException | IOException | RuntimeException e) {
      deleteQuietly(file);
      throw new IllegalStateException(
          "could not register model '" + name + "': " + e.getMessage(), e);
    }
    return new RegisteredModel(
        id,
        truncate(name, 255),
        source,
        runId,
        file,
        ModelCatalog.sha256(bytes),
        bytes.length,
        now,
        signature);
  }

  @Override
  public Optional<RegisteredModel> find(String id) {
    List<RegisteredModel> found =
        queryModels("SELECT " + MODEL_COLUMNS + " FROM models WHERE id = ?", id);
    return found.stream().findFirst();
  }

  @Override
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

  @Override
  public List<RegisteredModel> list(int limit, int offset) {
    checkPage(limit, offset);
    return queryModels(
        "SELECT "
            + MODEL_COLUMNS
            + " FROM models ORDER BY created_at DESC, id DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY",
        offset,
        limit);
  }

  private static void checkPage(int limit, int offset) {
    if (limit < 1 || limit > MAX_PAGE || offset < 0) {
      throw new IllegalArgumentException(
          "a page is 1.."
              + MAX_PAGE
              + " entries from an offset >= 0, not "
              + limit
              + " from "
              + offset);
    }
  }

  @Override
  public boolean delete(String id) {
    Optional<RegisteredModel> model = find(id);
    if (model.isEmpty()) {
      return false;
    }
    try {
      db.write(
          c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM models WHERE id = ?")) {
              ps.setString(1, id);
              ps.executeUpdate();
            }
            return null;
          });
    } catch (SQLException e) {
      throw new IllegalStateException("could not delete model '" + id + "': " + e.getMessage(), e);
    }
    deleteQuietly(model.get().file());
    return true;
  }

  @Override
  public RunArtifact putArtifact(
      String runId, String name, String kind, byte[] bytes, Map<String, Object> details) {
    String relative = "runs/" + runId + "/artifacts/" + name;
    Path file = dataDir.resolve(relative);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    writeAtomically(file, bytes);
    try {
      String detailsJson = JSON.writeValueAsString(details);
      db.write(
          c -> {
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
              ins.setString(5, ModelCatalog.sha256(bytes));
              ins.setLong(6, bytes.length);
              ins.setObject(7, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
              ins.setString(8, detailsJson);
              ins.executeUpdate();
            }
            return null;
          });
    } catch (SQLException | IOException e) {
      throw new IllegalStateException(
          "could not record artifact '" + name + "' of run '" + runId + "': " + e.getMessage(), e);
    }
    return new RunArtifact(
        runId, name, kind, file, ModelCatalog.sha256(bytes), bytes.length, now, details);
  }

  @Override
  public List<RunArtifact> artifacts(String runId, int limit, int offset) {
    checkPage(limit, offset);
    return queryArtifacts(
        " ORDER BY name OFFSET ? ROWS FETCH NEXT ? ROWS ONLY", runId, offset, limit);
  }

  @Override
  public Optional<RunArtifact> artifact(String runId, String name) {
    return queryArtifacts(" AND name = ?", runId, name).stream().findFirst();
  }

  private List<RunArtifact> queryArtifacts(String rest, Object... args) {
    String runId = String.valueOf(args[0]);
    List<RunArtifact> out = new ArrayList<>();
    try {
      db.read(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT run_id, name, kind, path, sha256, size_bytes, created_at, details"
                        + " FROM run_artifacts WHERE run_id = ?"
                        + rest)) {
              for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
              }
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
                          json(rs.getString(8), new TypeReference<Map<String, Object>>() {})));
                }
              }
            }
            return null;
          });
    } catch (SQLException | UncheckedIOException e) {
      throw new IllegalStateException(
          "could not read the artifacts of run '" + runId + "': " + e.getMessage(), e);
    }
    return out;
  }

  private List<RegisteredModel> queryModels(String sql, Object... args) {
    List<RegisteredModel> out = new ArrayList<>();
    try {
      db.read(
          c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
              for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
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
                          json(rs.getString(9), new TypeReference<ModelSignature>() {})));
                }
              }
            }
            return null;
          });
    } catch (SQLException | UncheckedIOException e) {
      throw new IllegalStateException("could not read registered models: " + e.getMessage(), e);
    }
    return out;
  }

  private static <T> T json(String text, TypeReference<T> type) {
    try {
      return JSON.readValue(text, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
