package dev.cairn.plugins.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxGraph;
import java.util.List;
import java.util.Map;

/** ONNX for {@link PreluBlock}: {@code PRelu} with the learned slope, broadcast over the input. */
final class PreluConverter implements OnnxConverter {
  @Override
  public boolean supports(Block block) {
    return block instanceof PreluBlock;
  }

  @Override
  public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
    String slope = graph.initializer("prelu_slope", ((PreluBlock) block).alpha().getArray());
    return graph.node("PRelu", List.of(input, slope), Map.of());
  }
}
