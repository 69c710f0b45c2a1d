package dev.cairn.plugins.models;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import java.util.List;

/**
 * The activation functions a model parameter can name, each built as DJL's named activation block
 * (a {@code LambdaBlock} such as "ReLU") so that exporters can recognise it; hard sigmoid, which
 * DJL lacks, is a LambdaBlock named {@value #HARD_SIGMOID} with its own ONNX converter, and PReLU
 * is {@link PreluBlock} (one learned slope), as the PyTorch engine lacks DJL's own.
 */
final class Activations {
  /** Names accepted by the {@code activation} parameter, in the order shown to users. */
  static final List<String> NAMES =
      List.of(
          "relu",
          "sigmoid",
          "hard-sigmoid",
          "tanh",
          "leaky-relu",
          "prelu",
          "elu",
          "gelu",
          "swish",
          "softplus");

  /** Name of the hard-sigmoid LambdaBlock (what its ONNX converter looks for). */
  static final String HARD_SIGMOID = "HardSigmoid";

  private Activations() {}

  /**
   * The block for {@code name}. Fixed constants follow PyTorch's defaults: leaky ReLU slope 0.01,
   * ELU alpha 1, swish beta 1 (i.e. SiLU), PReLU's learned slope starting at 0.25, hard sigmoid
   * {@code relu6(x + 3) / 6} (= {@code clip(x/6 + 1/2, 0, 1)}).
   */
  static Block block(String name) {
    switch (name) {
      case "relu":
        return Activation.reluBlock();
      case "sigmoid":
        return Activation.sigmoidBlock();
      case "hard-sigmoid":
        return LambdaBlock.singleton(Activations::hardSigmoid, HARD_SIGMOID);
      case "tanh":
        return Activation.tanhBlock();
      case "leaky-relu":
        return Activation.leakyReluBlock(0.01f);
      case "prelu":
        return new PreluBlock();
      case "elu":
        return Activation.eluBlock(1f);
      case "gelu":
        return Activation.geluBlock();
      case "swish":
        return Activation.swishBlock(1f);
      case "softplus":
        return Activation.softPlusBlock();
      default:
        throw new IllegalArgumentException("unknown activation '" + name + "'; one of " + NAMES);
    }
  }

  static NDArray hardSigmoid(NDArray x) {
    return x.add(3).clip(0, 6).div(6);
  }
}
