package dev.cairn.core.onnx.convert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.recurrent.GRU;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.nn.recurrent.RNN;
import ai.djl.nn.recurrent.RecurrentBlock;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * DJL's {@link RNN}, {@link GRU} and {@link LSTM} (any number of layers, one or two directions,
 * batch-first or not): one ONNX RNN / GRU / LSTM node per layer, fed time-major, with the gates
 * reordered from PyTorch's layout (LSTM i f g o, GRU r z n) to ONNX's (LSTM i o f c, GRU z r h; GRU
 * with linear_before_reset, as PyTorch computes it). The block outputs the top layer's sequence,
 * [batch, steps, directions x state] or time-major, like DJL; initial states are zero.
 */
public final class RecurrentConverter implements OnnxConverter {
  @Override
  public boolean supports(Block block) {
    return block instanceof RNN || block instanceof GRU || block instanceof LSTM;
  }

  @Override
  public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
    long state = (Long) BlockAccess.privateField(block, RecurrentBlock.class, "stateSize");
    int layers = (Integer) BlockAccess.privateField(block, RecurrentBlock.class, "numLayers");
    boolean batchFirst =
        (Boolean) BlockAccess.privateField(block, RecurrentBlock.class, "batchFirst");
    boolean biases = (Boolean) BlockAccess.privateField(block, RecurrentBlock.class, "hasBiases");
    boolean bidirectional =
        (Boolean) BlockAccess.privateField(block, RecurrentBlock.class, "bidirectional");
    String op = block instanceof LSTM ? "LSTM" : block instanceof GRU ? "GRU" : "RNN";
    int[] gateOrder =
        block instanceof LSTM
            ? new int[] {0, 3, 1, 2}
            : block instanceof GRU ? new int[] {1, 0, 2} : new int[] {0};
    int outputs = block instanceof LSTM ? 3 : 2;
    String x = batchFirst ? transpose(graph, input, 1, 0, 2) : input;
    for (int layer = 0; layer < layers; layer++) {
      List<String> dirs = bidirectional ? List.of("l", "r") : List.of("l");
      List<String> inputs =
          new ArrayList<>(
              List.of(
                  x,
                  stack(graph, block, dirs, layer, "i2h_WEIGHT", gateOrder, op + "_W"),
                  stack(graph, block, dirs, layer, "h2h_WEIGHT", gateOrder, op + "_R")));
      if (biases) {
        inputs.add(biasStack(graph, block, dirs, layer, gateOrder, op + "_B"));
      }
      Map<String, Object> attrs = new TreeMap<>();
      attrs.put("hidden_size", state);
      attrs.put("direction", bidirectional ? "bidirectional" : "forward");
      if (block instanceof GRU) {
        attrs.put("linear_before_reset", 1);
      }
      if (block instanceof RNN) {
        String activation =
            String.valueOf(BlockAccess.privateField(block, RNN.class, "activation"));
        String onnx = activation.toUpperCase(Locale.ROOT).equals("RELU") ? "Relu" : "Tanh";
        attrs.put("activations", bidirectional ? new String[] {onnx, onnx} : new String[] {onnx});
      }
      String y = graph.node(op, inputs, outputs, attrs).get(0); // [steps, directions, batch, state]
      String steps = transpose(graph, y, 0, 2, 1, 3); // [steps, batch, directions, state]
      x =
          graph.node(
              "Reshape",
              List.of(steps, graph.longInitializer("rnn_shape", new long[] {0, 0, -1}, 3)),
              Map.of());
    }
    return batchFirst ? transpose(graph, x, 1, 0, 2) : x;
  }

  private static String transpose(OnnxGraph graph, String x, long... perm) {
    return graph.node("Transpose", List.of(x), Map.of("perm", perm));
  }

  /** [directions, gates x state, in] from the per-direction weights, gates in ONNX order. */
  private static String stack(
      OnnxGraph graph,
      Block block,
      List<String> dirs,
      int layer,
      String suffix,
      int[] order,
      String name) {
    List<float[]> parts = new ArrayList<>();
    long rows = 0;
    long cols = 0;
    for (String dir : dirs) {
      NDArray w = BlockAccess.requireParameter(block, dir + "_" + layer + "_" + suffix);
      rows = w.getShape().get(0);
      cols = w.getShape().get(1);
      parts.add(reorder(BlockAccess.floats(w), order, rows, cols));
    }
    return graph.floatInitializer(name, concat(parts), dirs.size(), rows, cols);
  }

  /** [directions, 2 x gates x state]: input biases then recurrent biases, gates in ONNX order. */
  private static String biasStack(
      OnnxGraph graph, Block block, List<String> dirs, int layer, int[] order, String name) {
    List<float[]> parts = new ArrayList<>();
    long rows = 0;
    for (String dir : dirs) {
      for (String kind : new String[] {"i2h_BIAS", "h2h_BIAS"}) {
        NDArray b = BlockAccess.requireParameter(block, dir + "_" + layer + "_" + kind);
        rows = b.getShape().get(0);
        parts.add(reorder(BlockAccess.floats(b), order, rows, 1));
      }
    }
    return graph.floatInitializer(name, concat(parts), dirs.size(), 2 * rows);
  }

  /** Moves gate blocks of {@code rows / gates} rows into ONNX's order. */
  static float[] reorder(float[] values, int[] order, long rows, long cols) {
    int gates = order.length;
    int block = (int) (rows / gates * cols);
    float[] out = new float[values.length];
    for (int g = 0; g < gates; g++) {
      System.arraycopy(values, order[g] * block, out, g * block, block);
    }
    return out;
  }

  private static float[] concat(List<float[]> parts) {
    int n = parts.stream().mapToInt(p -> p.length).sum();
    float[] out = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
