package dev.cairn.plugins.models;

import dev.cairn.spi.onnx.OnnxConverter;
import java.util.List;

/** The ONNX converters for this plugin's own blocks; every model offers all of them. */
final class ModelConverters {
  static final List<OnnxConverter> ALL =
      List.of(
          new ResidualBlockConverter(),
          new HardSigmoidConverter(),
          new PreluConverter(),
          new LastStepConverter(),
          new QuadraticBowlConverter());

  private ModelConverters() {}
}
