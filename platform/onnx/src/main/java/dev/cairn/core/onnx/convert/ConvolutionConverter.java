package dev.cairn.core.onnx.convert;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Convolution;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link Convolution} (Conv1d, Conv2d, Conv3d): ONNX Conv with DJL's symmetric padding written as
 * begin and end pads. Transposed convolutions are a different block ({@code Deconvolution}).
 */
public final class ConvolutionConverter implements OnnxConverter {
  @Override
  public boolean supports(Block block) {
    return block instanceof Convolution;
  }

  @Override
  public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
    Convolution conv = (Convolution) block;
    long[] padding = conv.getPadding().getShape();
    long[] pads = new long[padding.length * 2];
    for (int i = 0; i < padding.length; i++) {
      pads[i] = padding[i];
      pads[i + padding.length] = padding[i];
    }
    Map<String, Object> attributes = new TreeMap<>();
    attributes.put("dilations", conv.getDilation().getShape());
    attributes.put("group", conv.getGroups());
    attributes.put("kernel_shape", conv.getKernelShape().getShape());
    attributes.put("pads", pads);
    attributes.put("strides", conv.getStride().getShape());
    List<String> inputs =
        new ArrayList<>(
            List.of(
                input,
                graph.initializer("conv_weight", BlockAccess.requireParameter(block, "weight"))));
    if (conv.isIncludeBias()) {
      inputs.add(graph.initializer("conv_bias", BlockAccess.requireParameter(block, "bias")));
    }
    return graph.node("Conv", inputs, attributes);
  }
}
