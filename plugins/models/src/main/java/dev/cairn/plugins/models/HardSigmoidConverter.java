package dev.cairn.plugins.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxGraph;
import java.util.List;
import java.util.Map;

/**
 * ONNX for the hard-sigmoid activation: {@code HardSigmoid} with alpha 1/6 and beta 1/2, which is
 * exactly {@code relu6(x + 3) / 6}.
 */
final class HardSigmoidConverter implements OnnxConverter {
  @Override
  public boolean supports(Block block) {
    return block instanceof LambdaBlock l && l.getName().equals(Activations.HARD_SIGMOID);
  }

  @Override
  public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
    return graph.node("HardSigmoid", List.of(input), Map.of("alpha", 1f / 6, "beta", 0.5f));
  }
}
