package dev.cairn.spi;

/** Builds a DJL optimizer from validated parameters. */
public interface OptimizerProvider extends CairnExtension {
  OptimizerSetup build(Params params, OptimizerContext context);
}
