package dev.cairn.spi;

import java.nio.file.Path;

/**
 * What a dataset plugin may use while loading.
 *
 * @param dataDir Cairn's data directory; downloads go below {@code dataDir/datasets/<id>}
 * @param seed the run's seed, for synthetic data and shuffles
 * @param offline true when the plugin must not reach the network
 */
public record DatasetContext(Path dataDir, long seed, boolean offline) {
  /** Folder where a dataset with this id keeps downloaded files. */
  public Path cacheDir(String datasetId) {
    return dataDir.resolve("datasets").resolve(datasetId);
  }
}
