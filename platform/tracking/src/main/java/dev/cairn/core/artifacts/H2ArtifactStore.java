package dev.cairn.core.artifacts;

import dev.cairn.core.tracking.TrackingDatabase;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * {@link ArtifactStore} on the tracking database (table {@code run_artifacts}) and the data
 * directory: rows written through the tracking store's writer ({@link TrackingDatabase#write}).
 */
public final class H2ArtifactStore implements ArtifactStore {
  private static final String COLUMNS =
      "run_id, name, kind, source, size_bytes, sha256, created_at, path";

  private final TrackingDatabase db;
  private final Path dataDir;
  // one commit per (run, path) at a time, so the file in place and its row always belong together
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

  public H2ArtifactStore(TrackingDatabase db, Path dataDir) {
    this.db = Objects.requireNonNull(db, "db");
    this.dataDir = dataDir.toAbsolutePath().normalize();
  }

  @Override
  public Path newUploadFile() throws IOException {
    Path dir = dataDir.resolve("tmp").resolve("uploads");
    Files.createDirectories(dir);
    return dir.resolve(UUID.randomUUID() + ".part");
  }

  @Override
  public Path fileOf(String runId, String path) {
    Path root = runRoot(runId);
    Path file = root.resolve(ArtifactPath.check(path)).normalize();
    if (!file.startsWith(root)) {
      throw new IllegalArgumentException("artifact path '" + path + "' leaves the run's folder");
    }
    return file;
  }

  @Override
  public StoredArtifact commit(
      String runId, String path, Path upload, long size, String sha256, String source) {
    Path file = fileOf(runId, path);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    String key = runId + "\n" + path;
    Object lock = locks.computeIfAbsent(key, k -> new Object());
    try {
      synchronized (lock) {
        try (FileChannel ch = FileChannel.open(upload, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        if (Files.isDirectory(file)) {
          throw new IllegalStateException(
              "artifact path '"
                  + path
                  + "' is a folder of run '"
                  + runId
                  + "'; a path cannot be both a file and a folder");
        }
        try {
          Files.createDirectories(file.getParent());
        } catch (FileAlreadyExistsException | NotDirectoryException e) {
          throw new IllegalStateException(
              "artifact path '"
                  + path
                  + "' lies under a file of run '"
                  + runId
                  + "'; a path cannot be both a file and a folder");
        }
        Files.move(
            upload, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try {
          record(runId, path, file, size, sha256, source, now);
        } catch (SQLException | RuntimeException e) {
          Files.deleteIfExists(file);
          throw new IllegalStateException(
              "could not record artifact '" + path + "' of run '" + runId + "': " + e.getMessage(),
              e);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "could not store artifact '" + path + "' of run '" + runId + "': " + e, e);
    } finally {
      locks.remove(key, lock);
      ArtifactStore.deleteQuietly(upload);
    }
    return new StoredArtifact(runId, path, "file", source, size, sha256, now, file);
  }

  private void record(
      String runId, String path, Path file, long size, String sha256, String source, Instant now)
      throws SQLException {
    db.write(
        c -> {
          try (PreparedStatement del =
                  c.prepareStatement("DELETE FROM run_artifacts WHERE run_id = ? AND name = ?");
              PreparedStatement ins =
                  c.prepareStatement(
                      "INSERT INTO run_artifacts ("
                          + COLUMNS
                          + ", details)"
                          + " VALUES (?, ?, 'file', ?, ?, ?, ?, ?, '{}')")) {
            del.setString(1, runId);
            del.setString(2, path);
            del.executeUpdate();
            ins.setString(1, runId);
            ins.setString(2, path);
            ins.setString(3, source);
            ins.setLong(4, size);
            ins.setString(5, sha256);
            ins.setObject(6, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            ins.setString(7, dataDir.relativize(file).toString());
            ins.executeUpdate();
          }
          return null; // committed durably: an acknowledged upload survives kill -9
        });
  }

  @Override
  public List<StoredArtifact> list(String runId, String folder, int limit, int offset) {
    String f = ArtifactPath.checkFolder(folder);
    if (limit < 1 || limit > MAX_PAGE || offset < 0) {
      throw new IllegalArgumentException(
          "a page is 1.."
              + MAX_PAGE
              + " artifacts from an offset >= 0, not "
              + limit
              + " from "
              + offset);
    }
    List<StoredArtifact> out = new ArrayList<>();
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM run_artifacts WHERE run_id = ?"
            + (f.isEmpty() ? "" : " AND (name = ? OR name LIKE ? ESCAPE '\\')")
            + " ORDER BY name OFFSET ? ROWS FETCH NEXT ? ROWS ONLY";
    try {
      db.read(
          c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
              ps.setString(1, runId);
              int next = 2;
              if (!f.isEmpty()) {
                next = 4;
                ps.setString(2, f);
                ps.setString(
                    3, f.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%");
              }
              ps.setInt(next, offset);
              ps.setInt(next + 1, limit);
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  out.add(artifact(rs));
                }
              }
            }
            return null;
          });
    } catch (SQLException e) {
      throw new IllegalStateException(
          "could not read the artifacts of run '" + runId + "': " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public Optional<StoredArtifact> find(String runId, String path) {
    try {
      return db.read(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM run_artifacts WHERE run_id = ? AND name = ?")) {
              ps.setString(1, runId);
              ps.setString(2, path);
              try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(artifact(rs)) : Optional.<StoredArtifact>empty();
              }
            }
          });
    } catch (SQLException e) {
      throw new IllegalStateException(
          "could not read the artifacts of run '" + runId + "': " + e.getMessage(), e);
    }
  }

  private StoredArtifact artifact(ResultSet rs) throws SQLException {
    return new StoredArtifact(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getLong(5),
        rs.getString(6),
        rs.getObject(7, OffsetDateTime.class).toInstant(),
        dataDir.resolve(rs.getString(8)));
  }

  @Override
  public void deleteFiles(String runId) {
    Path root = runRoot(runId);
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        ArtifactStore.deleteQuietly(p);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "could not delete the artifacts of run '" + runId + "': " + e.getMessage(), e);
    }
  }

  private Path runRoot(String runId) {
    if (!runId.matches("[A-Za-z0-9_-]{1,32}")) {
      throw new IllegalArgumentException("'" + runId + "' is not a run id");
    }
    return dataDir.resolve("runs").resolve(runId).resolve("artifacts");
  }
}
