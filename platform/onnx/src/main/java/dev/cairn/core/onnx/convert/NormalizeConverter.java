package dev.cairn.core.onnx.convert;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.cairn.core.training.NormalizeBlock;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxGraph;
import java.util.List;
import java.util.Map;

/**
 * {@link NormalizeBlock} (a spec's {@code dataset.normalize}): {@code (x − mean) / std} with the
 * training split's statistics as initializers, then the wrapped model, so the exported model takes
 * raw inputs as the trained one does.
 */
public final class NormalizeConverter implements OnnxConverter {
  @Override
  public boolean supports(Block block) {
    return block instanceof NormalizeBlock;
  }

  @Override
  public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
    NormalizeBlock normalize = (NormalizeBlock) block;
    String mean = graph.initializer("normalize_mean", normalize.mean().getArray());
    String std = graph.initializer("normalize_std", normalize.std().getArray());
    String centered = graph.node("Sub", List.of(input, mean), Map.of());
    String scaled = graph.node("Div", List.of(centered, std), Map.of());
    return graph.convert(normalize.model(), scaled, inputShape);
  }
}
