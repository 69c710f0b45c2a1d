package dev.cairn.spi.onnx;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * Turns one kind of DJL block into ONNX nodes that compute its inference-mode forward pass. Cairn
 * brings converters for DJL's standard blocks (Linear, Conv2d, BatchNorm, Dropout, pools, flatten
 * and the named activations); a plugin whose model uses a block of its own brings a converter for
 * it through {@link dev.cairn.spi.ModelProvider#onnxConverters()}.
 *
 * <p>Plugin converters are asked before the built-in ones, so a plugin can also replace how a
 * standard block is written.
 */
public interface OnnxConverter {

  /** True when this converter writes {@code block}: usually an {@code instanceof} test. */
  boolean supports(Block block);

  /**
   * Emits the nodes for {@code block}.
   *
   * @param block the trained block, parameters initialised
   * @param input name of the ONNX value holding the block's (single) input
   * @param inputShape the input's shape, batch dimension first; the batch size is that of the
   *     export's probe batch, but the written graph keeps the batch dimension dynamic, so a
   *     converter must not bake it into a Reshape (use 0 or -1 there)
   * @param graph where nodes and initializers go
   * @return the name of the value holding the block's output
   * @throws OnnxExportException when the block is configured in a way ONNX (or this converter)
   *     cannot express; the message says which setting and why
   */
  String convert(Block block, String input, Shape inputShape, OnnxGraph graph);
}
