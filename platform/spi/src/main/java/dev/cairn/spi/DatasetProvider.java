package dev.cairn.spi;

import java.io.IOException;

/** Loads a dataset into memory. */
public interface DatasetProvider extends CairnExtension {

  /**
   * Loads the splits.
   *
   * @throws IOException when files are missing, truncated or corrupt (the message names the file)
   * @throws SpecException when parameter values are valid alone but not together
   */
  DatasetSplits load(Params params, DatasetContext context) throws IOException;
}
