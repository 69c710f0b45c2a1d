package dev.cairn.server.cli;

import dev.cairn.server.CairnOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes; each falls back to an environment variable, then a default. */
final class CommonOptions {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Data directory: database and dataset downloads (env CAIRN_DATA_DIR, default ./cairn-data).")
  Path dataDir;

  @Option(
      names = "--jdbc-url",
      paramLabel = "URL",
      description =
          "Tracking database JDBC URL, e.g. jdbc:h2:tcp://host:9092/cairn (env CAIRN_JDBC_URL; default an H2 file in the data directory).")
  String jdbcUrl;

  @Option(
      names = "--plugins-dir",
      paramLabel = "DIR",
      description =
          "Folder of plugin jars (env CAIRN_PLUGINS_DIR; default the distribution's plugins/).")
  Path pluginsDir;

  @Option(names = "--offline", description = "Never download datasets (env CAIRN_OFFLINE).")
  boolean offline;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "API token for commands that talk to a Cairn server (env CAIRN_TOKEN); see `cairn token create`.")
  String token;

  /** The token a command sends to a server: --token, else CAIRN_TOKEN, else null. Never printed. */
  String token() {
    if (token != null && !token.isBlank()) {
      return token.trim();
    }
    String env = System.getenv("CAIRN_TOKEN");
    return env == null || env.isBlank() ? null : env.trim();
  }

  CairnOptions resolve() {
    CairnOptions env = CairnOptions.fromEnvironment();
    return new CairnOptions(
        dataDir != null ? dataDir : env.dataDir(),
        jdbcUrl != null ? jdbcUrl : env.jdbcUrl(),
        pluginsDir != null ? pluginsDir : env.pluginsDir(),
        offline || env.offline());
  }
}
