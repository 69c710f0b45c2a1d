package dev.cairn.spi;

import ai.djl.nn.Block;

/** Builds an uninitialised DJL block; the core initialises it for the dataset's input shape. */
public interface ModelProvider extends CairnExtension {

  /**
   * @throws SpecException when the parameters do not fit the data (e.g. a kernel larger than the
   *     input)
   */
  Block build(Params params, ModelContext context);
}
