package dev.cairn.core.artifacts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The files of runs: a row per artifact, files under {@code <data>/runs/<run>/artifacts/<path>}. An
 * upload is written to a temporary file under {@code <data>/tmp/uploads} (same file system), made
 * durable, moved into place atomically, and only then recorded; an upload that does not get that
 * far leaves neither a row nor a file where artifacts are listed. The same path uploaded again
 * replaces the file and its row. Blocking (file I/O, JDBC): call it off event loops. On H2: {@link
 * H2ArtifactStore}.
 */
public interface ArtifactStore {

  /** A fresh temporary file name for an upload (the file is not created). */
  Path newUploadFile() throws IOException;

  /** Where a run's artifact lives (its path checked). */
  Path fileOf(String runId, String path);

  /**
   * Makes {@code upload} (a finished temporary file) the run's artifact at {@code path}: forces it
   * to disk, moves it into place and records it, durably. The temporary file is gone afterwards,
   * whatever happens.
   *
   * @throws IllegalStateException with a message for the user when the path collides with a folder
   *     or a file of the run (e.g. {@code a} exists and {@code a/b} is uploaded)
   */
  StoredArtifact commit(
      String runId, String path, Path upload, long size, String sha256, String source);

  /** The most artifacts one page of {@link #list} holds. */
  int MAX_PAGE = 10_000;

  /**
   * The run's artifacts under {@code folder} ("" = all), ordered by path: at most {@code limit}
   * (1..{@link #MAX_PAGE}) after skipping {@code offset}.
   */
  List<StoredArtifact> list(String runId, String folder, int limit, int offset);

  /** The run's artifact at {@code path}. */
  Optional<StoredArtifact> find(String runId, String path);

  /** Removes the files of a run whose rows are gone (deleted with the run). */
  void deleteFiles(String runId);

  /** Deletes a file, ignoring one that is already gone. */
  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (NoSuchFileException ignored) {
      // gone already
    } catch (IOException ignored) {
      // a stray temporary file is harmless: no row points at it
    }
  }
}
