package dev.cairn.spi;

import ai.djl.training.loss.Loss;

/** Builds a DJL loss from validated parameters. */
public interface LossProvider extends CairnExtension {

  /** Tasks this loss fits; a spec pairing it with another task fails validation. */
  Task task();

  Loss build(Params params, DatasetInfo dataset);
}
