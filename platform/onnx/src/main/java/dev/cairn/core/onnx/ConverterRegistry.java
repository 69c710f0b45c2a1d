package dev.cairn.core.onnx;

import ai.djl.nn.Block;
import dev.cairn.core.onnx.convert.ActivationConverter;
import dev.cairn.core.onnx.convert.BatchNormConverter;
import dev.cairn.core.onnx.convert.BlockAccess;
import dev.cairn.core.onnx.convert.ConvolutionConverter;
import dev.cairn.core.onnx.convert.DropoutConverter;
import dev.cairn.core.onnx.convert.LinearConverter;
import dev.cairn.core.onnx.convert.NormalizeConverter;
import dev.cairn.core.onnx.convert.PoolConverter;
import dev.cairn.core.onnx.convert.RecurrentConverter;
import dev.cairn.core.onnx.convert.SequentialConverter;
import dev.cairn.core.onnx.convert.ShapeBlockConverter;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxExportException;
import java.util.ArrayList;
import java.util.List;

/**
 * The converters an export may use: those the model's plugin brings (asked first) and Cairn's
 * built-in ones for DJL's standard blocks.
 */
public final class ConverterRegistry {
  private static final List<OnnxConverter> BUILT_IN =
      List.of(
          new SequentialConverter(),
          new LinearConverter(),
          new ConvolutionConverter(),
          new BatchNormConverter(),
          new DropoutConverter(),
          new ActivationConverter(),
          new PoolConverter(),
          new ShapeBlockConverter(),
          new RecurrentConverter(),
          new NormalizeConverter());

  /** What the built-in converters handle, for error messages. */
  static final String BUILT_IN_SUMMARY =
      "SequentialBlock, Linear, Conv1d/2d/3d, BatchNorm, Dropout,"
          + " the named activations (ReLU, ReLU6, sigmoid, Tanh, softPlus, softSign, LeakyReLU, ELU, SELU,"
          + " GELU, Swish, Mish), batchFlatten, identity, max/avg/global pools, RNN, GRU, LSTM,"
          + " Cairn's input normalisation";

  private final List<OnnxConverter> converters;
  private final String origin;

  private ConverterRegistry(List<OnnxConverter> converters, String origin) {
    this.converters = converters;
    this.origin = origin;
  }

  /** Built-in converters only. */
  public static ConverterRegistry builtIn() {
    return new ConverterRegistry(BUILT_IN, null);
  }

  /**
   * The built-in converters plus those of the plugin that built the model.
   *
   * @param origin who built the block tree, for messages, e.g. {@code model 'lenet' of plugin
   *     'course-models'}
   */
  public static ConverterRegistry forModel(List<OnnxConverter> pluginConverters, String origin) {
    List<OnnxConverter> all = new ArrayList<>(pluginConverters);
    all.addAll(BUILT_IN);
    return new ConverterRegistry(List.copyOf(all), origin);
  }

  /**
   * The first converter that supports {@code block}, or an error naming the block and its origin.
   */
  public OnnxConverter find(Block block) {
    for (OnnxConverter c : converters) {
      if (c.supports(block)) {
        return c;
      }
    }
    throw new OnnxExportException(
        "no ONNX converter for block "
            + BlockAccess.describe(block)
            + " ("
            + block.getClass().getName()
            + ")"
            + (origin == null ? "" : " in " + origin)
            + "; Cairn converts "
            + BUILT_IN_SUMMARY
            + ". A plugin that brings its own block can bring its converter too: ModelProvider.onnxConverters()");
  }
}
