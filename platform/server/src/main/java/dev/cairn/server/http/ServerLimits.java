package dev.cairn.server.http;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a server accepts from its clients, beyond what a spec allows: the folders specs may read
 * and how long and how many connections may stay open. Defaults are in {@link #DEFAULTS} and in
 * docs/api.md ("Limits").
 *
 * @param dataRoots folders, besides the data directory, that paths in submitted specs may lie
 *     under ({@code serve --data-root DIR}, env {@code CAIRN_DATA_ROOTS})
 * @param idleTimeoutSeconds a connection with no bytes either way for this long is closed (60)
 * @param requestTimeoutSeconds a connection that has not sent a full request head this long after
 *     opening (or after its last response) is closed: slow-loris clients (30)
 * @param maxConnections open connections beyond this are closed at once (1000)
 */
public record ServerLimits(List<Path> dataRoots, int idleTimeoutSeconds, int requestTimeoutSeconds,
    int maxConnections) {
  public static final ServerLimits DEFAULTS = new ServerLimits(List.of(), 60, 30, 1000);

  public ServerLimits {
    dataRoots = List.copyOf(dataRoots);
    if (idleTimeoutSeconds < 1 || requestTimeoutSeconds < 1 || maxConnections < 1) {
      throw new IllegalArgumentException("timeouts and the connection cap must be at least 1");
    }
  }

  public ServerLimits withDataRoots(List<Path> roots) {
    return new ServerLimits(roots, idleTimeoutSeconds, requestTimeoutSeconds, maxConnections);
  }

  /** Folders listed in {@code CAIRN_DATA_ROOTS}, separated like PATH ({@code :} on Unix). */
  public static List<Path> rootsFromEnvironment() {
    String env = System.getenv("CAIRN_DATA_ROOTS");
    List<Path> out = new ArrayList<>();
    if (env != null) {
      for (String part : env.split(File.pathSeparator)) {
        if (!part.isBlank()) {
          out.add(Path.of(part.trim()));
        }
      }
    }
    return out;
  }
}
