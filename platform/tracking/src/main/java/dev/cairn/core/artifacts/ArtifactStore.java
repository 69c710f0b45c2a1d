package dev.cairn.core.artifacts;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The files of runs: rows in {@code run_artifacts}, files under {@code
 * <data>/runs/<run>/artifacts/<path>}. An upload is written to a temporary file under {@code
 * <data>/tmp/uploads} (same file system), made durable, moved into place atomically, and only then
 * recorded; an upload that does not get that far leaves neither a row nor a file where artifacts
 * are listed. The same path uploaded again replaces the file and its row. Blocking (file I/O,
 * JDBC): call it off event loops.
 */
public final class ArtifactStore {
  private static final String COLUMNS =
      "run_id, name, kind, source, size_bytes, sha256, created_at, path";

  private final DataSource db;
  private final Path dataDir;
  // one commit per (run, path) at a time, so the file in place and its row always belong together
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

  public ArtifactStore(DataSource db, Path dataDir) {
    this.db = db;
    this.dataDir = dataDir.toAbsolutePath().normalize();
  }

  /** A fresh temporary file name for an upload (the file is not created). */
  public Path newUploadFile() throws IOException {
    Path dir = dataDir.resolve("tmp").resolve("uploads");
    Files.createDirectories(dir);
    return dir.resolve(UUID.randomUUID() + ".part");
  }

  /** Where a run's artifact lives (its path checked). */
  public Path fileOf(String runId, String path) {
    Path root = runRoot(runId);
    Path file = root.resolve(ArtifactPath.check(path)).normalize();
    if (!file.startsWith(root)) {
      throw new IllegalArgumentException("artifact path '" + path + "' leaves the run's folder");
    }
    return file;
  }

  /**
   * Makes {@code upload} (a finished temporary file) the run's artifact at {@code path}: forces it
   * to disk, moves it into place and records it. The temporary file is gone afterwards, whatever
   * happens.
   *
   * @throws IllegalStateException with a message for the user when the path collides with a folder
   *     or a file of the run (e.g. {@code a} exists and {@code a/b} is uploaded)
   */
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
      deleteQuietly(upload);
    }
    return new StoredArtifact(runId, path, "file", source, size, sha256, now, file);
  }

  private void record(
      String runId, String path, Path file, long size, String sha256, String source, Instant now)
      throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
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
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      if (c.getMetaData().getURL().startsWith("jdbc:h2:")) {
        try (Statement s = c.createStatement()) {
          s.execute("CHECKPOINT"); // an acknowledged upload survives kill -9
        }
      }
    }
  }

  /** The run's artifacts under {@code folder} ("" = all), ordered by path. */
  public List<StoredArtifact> list(String runId, String folder) {
    String f = ArtifactPath.checkFolder(folder);
    List<StoredArtifact> out = new ArrayList<>();
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM run_artifacts WHERE run_id = ?"
            + (f.isEmpty() ? "" : " AND (name = ? OR name LIKE ? ESCAPE '\\')")
            + " ORDER BY name";
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, runId);
      if (!f.isEmpty()) {
        ps.setString(2, f);
        ps.setString(3, f.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%");
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new StoredArtifact(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getLong(5),
                  rs.getString(6),
                  rs.getObject(7, OffsetDateTime.class).toInstant(),
                  dataDir.resolve(rs.getString(8))));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "could not read the artifacts of run '" + runId + "': " + e.getMessage(), e);
    }
    return out;
  }

  public Optional<StoredArtifact> find(String runId, String path) {
    return list(runId, "").stream().filter(a -> a.path().equals(path)).findFirst();
  }

  /** Removes the files of a run whose rows are gone (deleted with the run). */
  public void deleteFiles(String runId) {
    Path root = runRoot(runId);
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        deleteQuietly(p);
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

  /** Deletes a file, ignoring one that is already gone. */
  public static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (NoSuchFileException ignored) {
      // gone already
    } catch (IOException ignored) {
      // a stray temporary file is harmless: no row points at it
    }
  }
}
