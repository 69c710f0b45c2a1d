package dev.cairn.core.onnx.convert;

import static dev.cairn.core.onnx.convert.BlockAccess.floats;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link Linear} (y = x Wᵀ + b, W of shape [units, in]): a Gemm with transB for 2-D input, a MatMul
 * with the transposed weight plus an Add otherwise (Linear acts on the last axis).
 */
public final class LinearConverter implements OnnxConverter {
  @Override
  public boolean supports(Block block) {
    return block instanceof Linear;
  }

  @Override
  public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
    NDArray weight = BlockAccess.requireParameter(block, "weight");
    Optional<NDArray> bias = BlockAccess.parameter(block, "bias");
    long units = weight.getShape().get(0);
    long in = weight.getShape().get(1);
    if (inputShape.dimension() == 2) {
      List<String> inputs = new ArrayList<>(List.of(input, graph.initializer("weight", weight)));
      bias.ifPresent(b -> inputs.add(graph.initializer("bias", b)));
      return graph.node("Gemm", inputs, Map.of("transB", 1));
    }
    float[] w = floats(weight);
    float[] wt = new float[w.length];
    for (int u = 0; u < units; u++) {
      for (int i = 0; i < in; i++) {
        wt[(int) (i * units + u)] = w[(int) (u * in + i)];
      }
    }
    String product =
        graph.node(
            "MatMul", List.of(input, graph.floatInitializer("weight_t", wt, in, units)), Map.of());
    return bias.map(
            b -> graph.node("Add", List.of(product, graph.initializer("bias", b)), Map.of()))
        .orElse(product);
  }
}
