package dev.cairn.server.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --server URL}: where a command finds the Cairn server that owns the store. Without it,
 * {@code CAIRN_SERVER}, then the {@code server.json} a running {@code cairn serve} keeps in the
 * data directory ({@link ServerFile}); with none of them the command opens the embedded store
 * itself.
 */
final class ServerOption {
  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "Work through the Cairn server at URL (env CAIRN_SERVER; default: the server serving the data"
              + " directory, found by its server.json, else the embedded store).")
  String server;

  /** What a command does through a server. */
  @FunctionalInterface
  interface Through {
    int run(ServerLink link) throws Exception;
  }

  /**
   * When a server owns the data directory (or one is named): the exit code of {@code through} it,
   * or 1 after a one-line error when it cannot be reached or refuses; empty for the embedded store.
   */
  Optional<Integer> through(CommonOptions common, Through through) throws Exception {
    try {
      Optional<ServerLink> link = locate(common);
      return link.isPresent() ? Optional.of(through.run(link.get())) : Optional.empty();
    } catch (ServerLink.Unreachable | ServerLink.Refused e) {
      System.err.println("error: " + e.getMessage());
      return Optional.of(1);
    }
  }

  /**
   * The server to work through, or empty for the embedded store. An explicit URL that does not
   * answer is an error (one line), not a silent fall back to the embedded store.
   */
  Optional<ServerLink> locate(CommonOptions common) {
    String explicit = server != null && !server.isBlank() ? server.trim() : env("CAIRN_SERVER");
    Path dataDir = common.resolve().dataDir();
    if (explicit != null) {
      try {
        URI uri = URI.create(explicit);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
            || uri.getHost() == null) {
          throw new IllegalArgumentException("not an http(s) URL");
        }
      } catch (IllegalArgumentException e) {
        throw new ServerLink.Unreachable(
            "--server / CAIRN_SERVER '" + explicit + "' is not a URL like http://127.0.0.1:8080");
      }
      if (!ServerFile.healthy(explicit)) {
        throw new ServerLink.Unreachable(
            "no Cairn server answers at " + explicit + " (GET /api/health)");
      }
      return Optional.of(new ServerLink(ServerFile.strip(explicit), token(common, null)));
    }
    return ServerFile.liveUrl(dataDir)
        .map(url -> new ServerLink(ServerFile.strip(url), token(common, dataDir)));
  }

  /** --token, else CAIRN_TOKEN, else the local token the server wrote into the data directory. */
  private static String token(CommonOptions common, Path dataDir) {
    String t = common.token();
    return t != null || dataDir == null ? t : ServerFile.token(dataDir);
  }

  private static String env(String name) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? null : v.trim();
  }
}
