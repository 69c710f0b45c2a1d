package dev.cairn.plugins.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxGraph;
import java.util.List;
import java.util.Map;

/** ONNX for {@link ResidualBlock}: both branches from the same input, {@code Add}, activation. */
final class ResidualBlockConverter implements OnnxConverter {
  @Override
  public boolean supports(Block block) {
    return block instanceof ResidualBlock;
  }

  @Override
  public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
    ResidualBlock residual = (ResidualBlock) block;
    String main = graph.convert(residual.body(), input, inputShape);
    String skip = graph.convert(residual.shortcut(), input, inputShape);
    String sum = graph.node("Add", List.of(main, skip), Map.of());
    Shape out = residual.body().getOutputShapes(new Shape[] {inputShape})[0];
    return graph.convert(residual.activation(), sum, out);
  }
}
