package dev.cairn.core.onnx.convert;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxExportException;
import dev.cairn.spi.onnx.OnnxGraph;
import java.util.List;
import java.util.Map;

/**
 * {@link BatchNorm} in inference mode: ONNX BatchNormalization with the running mean and variance.
 * DJL applies gamma and beta whether or not they are trained, so both are always written.
 */
public final class BatchNormConverter implements OnnxConverter {
  @Override
  public boolean supports(Block block) {
    return block instanceof BatchNorm;
  }

  @Override
  public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
    int axis = (Integer) BlockAccess.privateField(block, BatchNorm.class, "axis");
    if (axis != 1 && axis != 1 - inputShape.dimension()) {
      throw new OnnxExportException(
          "BatchNorm over axis "
              + axis
              + " of a "
              + inputShape.dimension()
              + "-D input cannot be written: ONNX BatchNormalization normalises axis 1 (channels) only");
    }
    float epsilon = (Float) BlockAccess.privateField(block, BatchNorm.class, "epsilon");
    return graph.node(
        "BatchNormalization",
        List.of(
            input,
            graph.initializer("bn_gamma", BlockAccess.requireParameter(block, "gamma")),
            graph.initializer("bn_beta", BlockAccess.requireParameter(block, "beta")),
            graph.initializer("bn_mean", BlockAccess.requireParameter(block, "runningMean")),
            graph.initializer("bn_var", BlockAccess.requireParameter(block, "runningVar"))),
        Map.of("epsilon", epsilon));
  }
}
