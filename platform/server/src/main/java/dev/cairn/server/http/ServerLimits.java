package dev.cairn.server.http;

import com.sun.management.OperatingSystemMXBean;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a server accepts from its clients, beyond what a spec allows: the folders specs may read and
 * how long and how many connections may stay open. Defaults are in {@link #DEFAULTS} and in
 * docs/api.md ("Limits").
 *
 * @param dataRoots folders, besides the data directory, that paths in submitted specs may lie under
 *     ({@code serve --data-root DIR}, env {@code CAIRN_DATA_ROOTS})
 * @param idleTimeoutSeconds a connection with no bytes either way for this long is closed (60)
 * @param requestTimeoutSeconds a connection that has not sent a full request head this long after
 *     opening (or after its last response) is closed: slow-loris clients (30)
 * @param maxConnections open connections beyond this are closed at once (1000)
 * @param maxEpochs a submitted run may train at most this many epochs ({@code --max-epochs}, 1000)
 * @param maxQueuedRuns runs one owner (a token's name; everyone without auth) may have QUEUED,
 *     sweep trials included; a run or sweep submitted beyond it gets a 429 ({@code
 *     --max-queued-runs}, 100)
 * @param maxUploadBytesInFlight request-body bytes all uploads together may hold at once; more get
 *     a 429 ({@code --max-upload-bytes-in-flight}, a quarter of the heap; see {@link UploadBudget})
 * @param maxParameters the most model parameters a submitted run may have, estimated from its spec
 *     before anything is built ({@code --max-parameters}, 100 million; see {@link ModelEstimate})
 * @param maxModelMemoryBytes the most memory a submitted run's model is estimated to need (weights,
 *     gradients, optimizer state, one batch of activations) ({@code --max-model-memory}, a quarter
 *     of the machine's memory)
 */
public record ServerLimits(
    List<Path> dataRoots,
    int idleTimeoutSeconds,
    int requestTimeoutSeconds,
    int maxConnections,
    int maxEpochs,
    int maxQueuedRuns,
    long maxUploadBytesInFlight,
    long maxParameters,
    long maxModelMemoryBytes) {
  public static final long DEFAULT_MAX_PARAMETERS = 100_000_000L;
  public static final ServerLimits DEFAULTS = new ServerLimits(List.of(), 60, 30, 1000, 1000, 100);

  public ServerLimits {
    dataRoots = List.copyOf(dataRoots);
    if (idleTimeoutSeconds < 1
        || requestTimeoutSeconds < 1
        || maxConnections < 1
        || maxEpochs < 1
        || maxQueuedRuns < 1
        || maxUploadBytesInFlight < 1
        || maxParameters < 1
        || maxModelMemoryBytes < 1) {
      throw new IllegalArgumentException("timeouts and limits must be at least 1");
    }
  }

  /** These limits with the default upload budget, parameter and memory limits. */
  public ServerLimits(
      List<Path> dataRoots,
      int idleTimeoutSeconds,
      int requestTimeoutSeconds,
      int maxConnections,
      int maxEpochs,
      int maxQueuedRuns) {
    this(
        dataRoots,
        idleTimeoutSeconds,
        requestTimeoutSeconds,
        maxConnections,
        maxEpochs,
        maxQueuedRuns,
        UploadBudget.defaultMaxBytes(),
        DEFAULT_MAX_PARAMETERS,
        defaultMaxModelMemory());
  }

  /** A quarter of the machine's physical memory (4 GiB when it cannot be read). */
  public static long defaultMaxModelMemory() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
        && os.getTotalMemorySize() > 0) {
      return os.getTotalMemorySize() / 4;
    }
    return 4L << 30;
  }

  /** The defaults for limits, with these connection settings. */
  public ServerLimits(
      List<Path> dataRoots, int idleTimeoutSeconds, int requestTimeoutSeconds, int maxConnections) {
    this(
        dataRoots,
        idleTimeoutSeconds,
        requestTimeoutSeconds,
        maxConnections,
        DEFAULTS_MAX_EPOCHS,
        DEFAULTS_MAX_QUEUED_RUNS);
  }

  private static final int DEFAULTS_MAX_EPOCHS = 1000;
  private static final int DEFAULTS_MAX_QUEUED_RUNS = 100;

  public ServerLimits withDataRoots(List<Path> roots) {
    return new ServerLimits(
        roots,
        idleTimeoutSeconds,
        requestTimeoutSeconds,
        maxConnections,
        maxEpochs,
        maxQueuedRuns,
        maxUploadBytesInFlight,
        maxParameters,
        maxModelMemoryBytes);
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
