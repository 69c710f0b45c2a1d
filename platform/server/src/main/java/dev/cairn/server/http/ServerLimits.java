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
 * @param maxEpochs a submitted run may train at most this many epochs ({@code --max-epochs}, 1000)
 * @param maxQueuedRuns runs queued or training in this server at once; more get a 429
 *     ({@code --max-queued-runs}, 16)
 */
public record ServerLimits(List<Path> dataRoots, int idleTimeoutSeconds, int requestTimeoutSeconds,
    int maxConnections, int maxEpochs, int maxQueuedRuns) {
  public static final ServerLimits DEFAULTS = new ServerLimits(List.of(), 60, 30, 1000, 1000, 16);

  public ServerLimits {
    dataRoots = List.copyOf(dataRoots);
    if (idleTimeoutSeconds < 1 || requestTimeoutSeconds < 1 || maxConnections < 1 || maxEpochs < 1
        || maxQueuedRuns < 1) {
      throw new IllegalArgumentException("timeouts and limits must be at least 1");
    }
  }

  /** The defaults for limits, with these connection settings. */
  public ServerLimits(List<Path> dataRoots, int idleTimeoutSeconds, int requestTimeoutSeconds, int maxConnections) {
    this(dataRoots, idleTimeoutSeconds, requestTimeoutSeconds, maxConnections, DEFAULTS_MAX_EPOCHS,
        DEFAULTS_MAX_QUEUED_RUNS);
  }

  private static final int DEFAULTS_MAX_EPOCHS = 1000;
  private static final int DEFAULTS_MAX_QUEUED_RUNS = 16;

  public ServerLimits withDataRoots(List<Path> roots) {
    return new ServerLimits(roots, idleTimeoutSeconds, requestTimeoutSeconds, maxConnections, maxEpochs, maxQueuedRuns);
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
