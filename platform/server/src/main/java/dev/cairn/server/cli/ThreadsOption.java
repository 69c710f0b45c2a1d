package dev.cairn.server.cli;

import dev.cairn.core.spec.TrainingOptions;
import dev.cairn.core.training.TorchThreads;
import picocli.CommandLine.Option;

/** {@code --threads N}: libtorch's intra-op threads for the commands that train. */
final class ThreadsOption {
  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "libtorch intra-op threads of this process (default: one per core it may use; inter-op threads are 1). "
              + "A spec's training.threads overrides it while that run trains.")
  Integer threads;

  /**
   * Applies the choice before libtorch loads; false (after a one-line error) when it is not
   * allowed.
   */
  boolean apply() {
    return apply(0);
  }

  /**
   * As {@link #apply()}, with {@code fallback} threads (> 0) when {@code --threads} is not given.
   */
  boolean apply(int fallback) {
    if (threads != null && (threads < 1 || threads > TrainingOptions.MAX_THREADS)) {
      System.err.println(
          "error: --threads "
              + threads
              + " is not allowed; use 1 to "
              + TrainingOptions.MAX_THREADS
              + " (or leave it out: one per core)");
      return false;
    }
    TorchThreads.configure(threads != null ? threads : fallback);
    return true;
  }
}
