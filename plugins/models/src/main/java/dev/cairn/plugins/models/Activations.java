package dev.cairn.plugins.models;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import java.util.List;

/**
 * The activation functions a model parameter can name, each built as DJL's named activation block
 * (a {@code LambdaBlock} such as "ReLU") so that exporters can recognise it.
 */
final class Activations {
  /** Names accepted by the {@code activation} parameter, in the order shown to users. */
  static final List<String> NAMES =
      List.of("relu", "sigmoid", "tanh", "leaky-relu", "elu", "gelu", "swish", "softplus");

  private Activations() {}

  /**
   * The block for {@code name}. Fixed constants follow PyTorch's defaults: leaky ReLU slope 0.01,
   * ELU alpha 1, swish beta 1 (i.e. SiLU).
   */
  static Block block(String name) {
    switch (name) {
      case "relu":
        return Activation.reluBlock();
      case "sigmoid":
        return Activation.sigmoidBlock();
      case "tanh":
        return Activation.tanhBlock();
      case "leaky-relu":
        return Activation.leakyReluBlock(0.01f);
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
}
