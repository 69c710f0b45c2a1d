package dev.cairn.plugins.example;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxGraph;
import java.util.List;
import java.util.Map;

/** ONNX for {@link ResidualSum}: every branch converted from the same input, then {@code Add}s. */
final class ResidualSumConverter implements OnnxConverter {
  @Override
  public boolean supports(Block block) {
    return block instanceof ResidualSum;
  }

  @Override
  public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
    String total = null;
    for (Block branch : block.getChildren().values()) {
      String out = graph.convert(branch, input, inputShape);
      total = total == null ? out : graph.node("Add", List.of(total, out), Map.of());
    }
    return total;
  }
}
