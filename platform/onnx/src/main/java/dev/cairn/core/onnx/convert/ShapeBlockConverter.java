package dev.cairn.core.onnx.convert;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxGraph;
import java.util.List;
import java.util.Map;

/**
 * DJL's shape blocks: {@code Blocks.batchFlattenBlock()} (LambdaBlock "batchFlatten", written as
 * Flatten with axis 1, which keeps the batch dimension dynamic) and {@code Blocks.identityBlock()}.
 */
public final class ShapeBlockConverter implements OnnxConverter {
  @Override
  public boolean supports(Block block) {
    return block instanceof LambdaBlock l
        && (l.getName().equals("batchFlatten") || l.getName().equals("identity"));
  }

  @Override
  public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
    if (((LambdaBlock) block).getName().equals("identity")) {
      return graph.node("Identity", List.of(input), Map.of());
    }
    return graph.node("Flatten", List.of(input), Map.of("axis", 1));
  }
}
