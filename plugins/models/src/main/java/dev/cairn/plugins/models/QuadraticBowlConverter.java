package dev.cairn.plugins.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxExportException;
import dev.cairn.spi.onnx.OnnxGraph;
import java.util.List;
import java.util.Map;

/**
 * ONNX for {@link QuadraticBowlBlock}: the trained point's f(x) is a constant, output once per
 * example as {@code input·0 + f} (input {@code [batch, 1]}).
 */
final class QuadraticBowlConverter implements OnnxConverter {
  @Override
  public boolean supports(Block block) {
    return block instanceof QuadraticBowlBlock;
  }

  @Override
  public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
    if (inputShape.dimension() != 2 || inputShape.get(1) != 1) {
      throw new OnnxExportException(
          "quadratic-bowl exports for inputs of shape [batch, 1], not " + inputShape);
    }
    String zero =
        graph.node(
            "Mul", List.of(input, graph.floatInitializer("zero", new float[] {0})), Map.of());
    float f = ((QuadraticBowlBlock) block).value();
    return graph.node(
        "Add", List.of(zero, graph.floatInitializer("bowl_value", new float[] {f})), Map.of());
  }
}
