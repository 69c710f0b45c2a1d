package dev.cairn.plugins.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxGraph;
import java.util.List;
import java.util.Map;

/**
 * ONNX for the recurrent model's last-step block ({@code x[:, -1, :]} of a batch-first sequence
 * {@code [batch, steps, features]}), with operators Cairn's exporter has: transpose to {@code
 * [batch, features, steps]}, multiply by the one-hot column of the last step, flatten.
 */
final class LastStepConverter implements OnnxConverter {
  @Override
  public boolean supports(Block block) {
    return block instanceof LambdaBlock l && l.getName().equals(RecurrentModel.LAST_STEP);
  }

  @Override
  public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
    int steps = (int) inputShape.get(1);
    float[] last = new float[steps];
    last[steps - 1] = 1;
    String transposed =
        graph.node("Transpose", List.of(input), Map.of("perm", new long[] {0, 2, 1}));
    String picked =
        graph.node(
            "MatMul",
            List.of(transposed, graph.floatInitializer("last_step", last, steps, 1)),
            Map.of());
    return graph.node("Flatten", List.of(picked), Map.of("axis", 1));
  }
}
