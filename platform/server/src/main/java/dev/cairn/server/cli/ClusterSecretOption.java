package dev.cairn.server.cli;

import dev.cairn.server.cluster.ClusterOptions;
import dev.cairn.server.cluster.ClusterSecret;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The cluster secret of {@code serve --cluster} and {@code worker}: from a file, or the
 * environment. Never a command-line value: other users of the machine see arguments in ps.
 */
final class ClusterSecretOption {
  @Option(
      names = "--cluster-secret-file",
      paramLabel = "FILE",
      description =
          "File holding the secret the head and its workers share (at least 16 characters; env "
              + ClusterSecret.ENV
              + " instead). Required when the cluster address is not loopback.")
  Path file;

  /**
   * The cluster options with the secret, or null after printing the one-line reason they cannot be
   * used.
   */
  ClusterOptions options(String host, int port, List<String> members) {
    ClusterOptions options;
    try {
      options =
          new ClusterOptions(
              host, port, members, ClusterSecret.resolve(file, System.getenv(ClusterSecret.ENV)));
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return null;
    }
    String refusal = options.refusal();
    if (refusal != null) {
      System.err.println("error: " + refusal);
      return null;
    }
    return options;
  }
}
