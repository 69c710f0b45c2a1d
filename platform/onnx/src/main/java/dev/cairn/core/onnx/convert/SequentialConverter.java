package dev.cairn.core.onnx.convert;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxGraph;

/** {@link SequentialBlock}: its children in order, each fed the previous one's output. */
public final class SequentialConverter implements OnnxConverter {
  @Override
  public boolean supports(Block block) {
    return block instanceof SequentialBlock;
  }

  @Override
  public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
    String value = input;
    Shape shape = inputShape;
    for (var child : block.getChildren()) {
      Block b = child.getValue();
      value = graph.convert(b, value, shape);
      shape = b.getOutputShapes(new Shape[] {shape})[0];
    }
    return value;
  }
}
