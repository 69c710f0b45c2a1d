package dev.cairn.core.onnx;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Registered models and the artifacts runs' exports leave: files under the data directory ({@code
 * models/<id>.onnx}, {@code runs/<run>/artifacts/<name>}) with a row each. A file is written (to a
 * temporary name, then moved) before its row is committed, and removed again when the row cannot
 * be, so a failed registration leaves nothing behind. Blocking (JDBC, file I/O): call it off event
 * loops. On H2: {@link H2ModelCatalog}.
 */
public interface ModelCatalog {

  Path dataDir();

  /** Stores {@code bytes} as a new model and returns it. */
  RegisteredModel register(
      String name,
      RegisteredModel.Source source,
      String runId,
      byte[] bytes,
      ModelSignature signature);

  Optional<RegisteredModel> find(String id);

  /** The model registered for a run's export with these exact bytes, if any. */
  Optional<RegisteredModel> findExport(String runId, String sha256);

  /** The most entries one page of {@link #list} or {@link #artifacts} holds. */
  int MAX_PAGE = 1000;

  /** Newest first: at most {@code limit} (1..{@link #MAX_PAGE}) after skipping {@code offset}. */
  List<RegisteredModel> list(int limit, int offset);

  /** Deletes a model's row, then its file; false when there was none. */
  boolean delete(String id);

  /** Writes (or replaces) a run's artifact file and its row. */
  RunArtifact putArtifact(
      String runId, String name, String kind, byte[] bytes, Map<String, Object> details);

  /**
   * A run's artifacts by name: at most {@code limit} (1..{@link #MAX_PAGE}) after skipping {@code
   * offset}.
   */
  List<RunArtifact> artifacts(String runId, int limit, int offset);

  Optional<RunArtifact> artifact(String runId, String name);

  /** The lower-case hex SHA-256 of {@code bytes}. */
  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
