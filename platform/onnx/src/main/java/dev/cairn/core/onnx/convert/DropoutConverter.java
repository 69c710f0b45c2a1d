package dev.cairn.core.onnx.convert;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.norm.Dropout;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxGraph;
import java.util.List;
import java.util.Map;

/**
 * {@link Dropout}: an ONNX Dropout with its training rate. It is the identity at inference (no
 * training_mode input), so it only documents the layer for readers of the graph.
 */
public final class DropoutConverter implements OnnxConverter {
  @Override
  public boolean supports(Block block) {
    return block instanceof Dropout;
  }

  @Override
  public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
    float rate = (Float) BlockAccess.privateField(block, Dropout.class, "rate");
    String ratio = graph.floatInitializer("dropout_ratio", new float[] {rate});
    return graph.node("Dropout", List.of(input, ratio), Map.of());
  }
}
