package dev.cairn.core.onnx.convert;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxGraph;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DJL's named activation blocks ({@link Activation}{@code .reluBlock()} and friends, which are
 * {@link LambdaBlock}s recognised by name). Those ONNX opset 13 lacks are written as their
 * formulas: GELU = x·½(1 + erf(x/√2)) (PyTorch's exact GELU), Swish = x·σ(βx), Mish =
 * x·tanh(softplus(x)/ln 2) (as DJL's PyTorch engine computes it), ReLU6 = clip(x, 0, 6).
 */
public final class ActivationConverter implements OnnxConverter {
  static final Set<String> NAMES =
      Set.of(
          "ReLU",
          "ReLU6",
          "sigmoid",
          "Tanh",
          "softPlus",
          "softSign",
          "LeakyReLU",
          "ELU",
          "SELU",
          "GELU",
          "Swish",
          "Mish");

  @Override
  public boolean supports(Block block) {
    return block instanceof LambdaBlock l && NAMES.contains(l.getName());
  }

  @Override
  public String convert(Block block, String x, Shape inputShape, OnnxGraph graph) {
    LambdaBlock lambda = (LambdaBlock) block;
    switch (lambda.getName()) {
      case "ReLU":
        return unary(graph, "Relu", x);
      case "sigmoid":
        return unary(graph, "Sigmoid", x);
      case "Tanh":
        return unary(graph, "Tanh", x);
      case "softPlus":
        return unary(graph, "Softplus", x);
      case "softSign":
        return unary(graph, "Softsign", x);
      case "SELU":
        // ONNX's default alpha and gamma are PyTorch's SELU constants
        return unary(graph, "Selu", x);
      case "LeakyReLU":
        return graph.node(
            "LeakyRelu", List.of(x), Map.of("alpha", BlockAccess.capture(lambda, 0, Float.class)));
      case "ELU":
        return graph.node(
            "Elu", List.of(x), Map.of("alpha", BlockAccess.capture(lambda, 0, Float.class)));
      case "ReLU6":
        return graph.node(
            "Clip",
            List.of(x, scalar(graph, "clip_min", 0f), scalar(graph, "clip_max", 6f)),
            Map.of());
      case "GELU":
        {
          String scaled =
              graph.node("Div", List.of(x, scalar(graph, "sqrt2", (float) Math.sqrt(2))), Map.of());
          String erf = unary(graph, "Erf", scaled);
          String onePlus = graph.node("Add", List.of(erf, scalar(graph, "one", 1f)), Map.of());
          String half = graph.node("Mul", List.of(x, scalar(graph, "half", 0.5f)), Map.of());
          return graph.node("Mul", List.of(half, onePlus), Map.of());
        }
      case "Swish":
        {
          float beta = BlockAccess.capture(lambda, 0, Float.class);
          String arg =
              beta == 1f
                  ? x
                  : graph.node("Mul", List.of(x, scalar(graph, "swish_beta", beta)), Map.of());
          return graph.node("Mul", List.of(x, unary(graph, "Sigmoid", arg)), Map.of());
        }
      case "Mish":
        {
          // DJL's PyTorch engine computes x·tanh(log2(1 + eˣ)), not x·tanh(ln(1 + eˣ)); the export
          // reproduces what the model was trained with
          String log2 =
              graph.node(
                  "Mul",
                  List.of(
                      unary(graph, "Softplus", x),
                      scalar(graph, "inv_ln2", (float) (1 / Math.log(2)))),
                  Map.of());
          return graph.node("Mul", List.of(x, unary(graph, "Tanh", log2)), Map.of());
        }
      default:
        throw new IllegalStateException("unhandled activation " + lambda.getName());
    }
  }

  private static String unary(OnnxGraph graph, String op, String x) {
    return graph.node(op, List.of(x), Map.of());
  }

  private static String scalar(OnnxGraph graph, String name, float value) {
    return graph.floatInitializer(name, new float[] {value});
  }
}
