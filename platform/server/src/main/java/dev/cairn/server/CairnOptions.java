package dev.cairn.server;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where Cairn keeps its data and finds its plugins.
 *
 * @param dataDir data directory (default {@code ./cairn-data}): the H2 database, dataset downloads
 * @param jdbcUrl JDBC URL of the tracking database; null means an H2 file in {@code dataDir}. An H2
 *     server URL ({@code jdbc:h2:tcp://host/path}) works too
 * @param pluginsDir folder of plugin jars loaded by PF4J
 * @param offline datasets must not download
 */
public record CairnOptions(Path dataDir, String jdbcUrl, Path pluginsDir, boolean offline) {
  public CairnOptions {
    Objects.requireNonNull(dataDir, "dataDir");
    dataDir = dataDir.toAbsolutePath().normalize();
    pluginsDir = pluginsDir == null ? null : pluginsDir.toAbsolutePath().normalize();
  }

  /**
   * Defaults from the environment: CAIRN_DATA_DIR, CAIRN_JDBC_URL, CAIRN_PLUGINS_DIR,
   * CAIRN_OFFLINE.
   */
  public static CairnOptions fromEnvironment() {
    String data = System.getenv().getOrDefault("CAIRN_DATA_DIR", "cairn-data");
    String plugins = System.getenv("CAIRN_PLUGINS_DIR");
    if (plugins == null && System.getProperty("cairn.home") != null) {
      plugins = Path.of(System.getProperty("cairn.home"), "plugins").toString();
    }
    return new CairnOptions(
        Path.of(data),
        System.getenv("CAIRN_JDBC_URL"),
        plugins == null ? Path.of("plugins") : Path.of(plugins),
        Boolean.parseBoolean(System.getenv().getOrDefault("CAIRN_OFFLINE", "false")));
  }
}
