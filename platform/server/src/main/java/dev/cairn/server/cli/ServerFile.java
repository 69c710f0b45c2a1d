package dev.cairn.server.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The discovery files {@code cairn serve} keeps beside the database while it runs, so that every
 * other command on the same data directory works through it instead of opening the store: {@code
 * server.json} ({@code {"url", "pid", "startedAt"}}, written atomically, deleted on a clean exit)
 * and, when the server requires tokens, {@code server.token} (a write token for local commands,
 * readable by the owner only). A file whose pid is dead or whose URL does not answer {@code
 * /api/health} is stale and ignored.
 */
final class ServerFile {
  static final String NAME = "server.json";
  static final String TOKEN_NAME = "server.token";

  private ServerFile() {}

  /** Writes {@code server.json} for this process: a temporary file renamed over the old one. */
  static void write(Path dataDir, String url) throws IOException {
    JsonObject json =
        new JsonObject()
            .put("url", url)
            .put("pid", ProcessHandle.current().pid())
            .put("startedAt", Instant.now().toString());
    Path tmp = Files.createTempFile(dataDir, ".server-", ".json");
    Files.writeString(tmp, json.encodePrettily() + "\n");
    try {
      Files.move(
          tmp,
          dataDir.resolve(NAME),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dataDir.resolve(NAME), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Writes the local token, owner read/write only from its creation on (never logged). */
  static void writeToken(Path dataDir, String token) throws IOException {
    Path file = dataDir.resolve(TOKEN_NAME);
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // not a POSIX file system: as private as the folder is
    } catch (FileAlreadyExistsException e) {
      throw new IOException("another process wrote " + file + " at the same time", e);
    }
    Files.writeString(file, token, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** Deletes both files if {@code server.json} names this process (a later server may own them). */
  static void deleteIfOurs(Path dataDir) {
    try {
      Path file = dataDir.resolve(NAME);
      if (Files.exists(file)
          && new JsonObject(Files.readString(file)).getLong("pid", -1L)
              == ProcessHandle.current().pid()) {
        Files.deleteIfExists(dataDir.resolve(TOKEN_NAME));
        Files.deleteIfExists(file);
      }
    } catch (IOException | RuntimeException e) {
      // a file left behind is stale once this process is gone: readers check the pid and health
    }
  }

  /**
   * The URL of a live server on {@code dataDir}, or empty when there is none or the file is stale.
   */
  static Optional<String> liveUrl(Path dataDir) {
    Path file = dataDir.resolve(NAME);
    if (!Files.isReadable(file)) {
      return Optional.empty();
    }
    try {
      JsonObject json = new JsonObject(Files.readString(file));
      long pid = json.getLong("pid", -1L);
      String url = json.getString("url");
      if (url == null || pid <= 0 || ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
        return Optional.empty();
      }
      return healthy(url) ? Optional.of(url) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The local token the server on {@code dataDir} wrote, or null. */
  static String token(Path dataDir) {
    try {
      Path file = dataDir.resolve(TOKEN_NAME);
      return Files.isReadable(file) ? Files.readString(file).trim() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Whether {@code url}/api/health answers 200 within ten seconds (a refused connection answers at
   * once; a busy machine starting several JVMs can take seconds for a live one).
   */
  static boolean healthy(String url) {
    try {
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(URI.create(strip(url) + "/api/health"))
                  .timeout(Duration.ofSeconds(10))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static String strip(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
