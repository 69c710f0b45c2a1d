package dev.cairn.core.onnx.convert;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxExportException;
import dev.cairn.spi.onnx.OnnxGraph;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DJL's pooling blocks ({@code Pool.maxPool2dBlock(...)} etc., LambdaBlocks named maxPool1d/2d/3d,
 * avgPool1d/2d/3d, globalMaxPool*, globalAvgPool*). Their kernel, stride, padding and ceil mode are
 * read from the values the block's lambda captured. A global pool whose DJL output drops the
 * spatial axes gets a Flatten after it.
 */
public final class PoolConverter implements OnnxConverter {
  private static final Pattern NAME = Pattern.compile("(max|avg|globalMax|globalAvg)Pool([123])d");

  /**
   * Average pooling as DJL's PyTorch engine computes it. It counts padding in every window's
   * divisor whatever {@code countIncludePad} says, so without ceil mode it is AveragePool with
   * count_include_pad. In ceil mode PyTorch leaves the part of a window that hangs past the padded
   * input out of the divisor, which ONNX Runtime's AveragePool does not; there the input is
   * zero-padded explicitly (padding plus overhang), pooled without padding (sum / kernel size), and
   * rescaled by a constant map of kernel size / PyTorch's divisor per output position (spatial
   * dimensions are fixed, only the batch is dynamic).
   */
  private static String averagePool(
      OnnxGraph graph,
      String input,
      boolean ceil,
      long[] kernel,
      long[] stride,
      long[] padding,
      Shape inputShape,
      Map<String, Object> attributes) {
    int spatial = kernel.length;
    if (!ceil) {
      attributes.put("count_include_pad", 1);
      attributes.put("pads", symmetric(padding));
      return graph.node("AveragePool", List.of(input), attributes);
    }
    long[] all = new long[(spatial + 2) * 2];
    long[] out = new long[spatial];
    long kernelSize = 1;
    for (int i = 0; i < spatial; i++) {
      long in = inputShape.get(2 + i);
      out[i] = ceilOutput(in, kernel[i], stride[i], padding[i]);
      all[2 + i] = padding[i];
      all[spatial + 4 + i] = endPad(in, kernel[i], stride[i], padding[i], out[i]);
      kernelSize *= kernel[i];
    }
    String padded =
        graph.node(
            "Pad", List.of(input, graph.longInitializer("pool_pads", all, all.length)), Map.of());
    String mean = graph.node("AveragePool", List.of(padded), attributes);
    long positions = 1;
    for (long o : out) {
      positions *= o;
    }
    float[] scale = new float[Math.toIntExact(positions)];
    long[] dims = new long[spatial + 2];
    dims[0] = 1;
    dims[1] = 1;
    System.arraycopy(out, 0, dims, 2, spatial);
    for (int flat = 0; flat < scale.length; flat++) {
      long divisor = 1;
      int rest = flat;
      for (int i = spatial - 1; i >= 0; i--) {
        long j = rest % out[i];
        rest /= out[i];
        long start = j * stride[i] - padding[i];
        long end = Math.min(start + kernel[i], inputShape.get(2 + i) + padding[i]);
        divisor *= end - start;
      }
      scale[flat] = (float) kernelSize / divisor;
    }
    return graph.node(
        "Mul", List.of(mean, graph.floatInitializer("pool_divisor_scale", scale, dims)), Map.of());
  }

  /**
   * PyTorch's ceil-mode output size: the last window must start inside the input or its left
   * padding.
   */
  static long ceilOutput(long in, long kernel, long stride, long pad) {
    long out = Math.floorDiv(in + 2 * pad - kernel + stride - 1, stride) + 1;
    return (out - 1) * stride >= in + pad ? out - 1 : out;
  }

  /**
   * The end padding that makes a floor-mode pool (begin padding {@code pad}) give {@code out}
   * windows: floor-mode shapes are the ones ONNX shape inference and ONNX Runtime agree on.
   */
  static long endPad(long in, long kernel, long stride, long pad, long out) {
    for (long e = 0; e <= pad + kernel + stride; e++) {
      if (Math.floorDiv(in + pad + e - kernel, stride) + 1 == out) {
        return e;
      }
    }
    throw new OnnxExportException(
        "no padding gives "
            + out
            + " pooling windows over "
            + in
            + " values (kernel "
            + kernel
            + ", stride "
            + stride
            + ", padding "
            + pad
            + ")");
  }

  private static long[] symmetric(long[] padding) {
    long[] pads = new long[padding.length * 2];
    for (int i = 0; i < padding.length; i++) {
      pads[i] = padding[i];
      pads[i + padding.length] = padding[i];
    }
    return pads;
  }

  @Override
  public boolean supports(Block block) {
    return block instanceof LambdaBlock l && NAME.matcher(l.getName()).matches();
  }

  @Override
  public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
    LambdaBlock lambda = (LambdaBlock) block;
    Matcher m = NAME.matcher(lambda.getName());
    if (!m.matches()) {
      throw new IllegalStateException(lambda.getName());
    }
    String kind = m.group(1);
    if (kind.startsWith("global")) {
      String pooled =
          graph.node(
              kind.equals("globalMax") ? "GlobalMaxPool" : "GlobalAveragePool",
              List.of(input),
              Map.of());
      Shape out = block.getOutputShapes(new Shape[] {inputShape})[0];
      return out.dimension() == 2
          ? graph.node("Flatten", List.of(pooled), Map.of("axis", 1))
          : pooled;
    }
    long[] kernel = BlockAccess.capture(lambda, 0, Shape.class).getShape();
    long[] stride = BlockAccess.capture(lambda, 1, Shape.class).getShape();
    long[] padding = BlockAccess.capture(lambda, 2, Shape.class).getShape();
    boolean ceil = BlockAccess.capture(lambda, 3, Boolean.class);
    Map<String, Object> attributes = new TreeMap<>();
    attributes.put("kernel_shape", kernel);
    attributes.put("strides", stride);
    if (kind.equals("avg")) {
      return averagePool(graph, input, ceil, kernel, stride, padding, inputShape, attributes);
    }
    if (ceil) {
      // ceil mode as floor mode with the end padding that gives PyTorch's window count (padding
      // is -inf for MaxPool, so the extra positions never win)
      long[] pads = symmetric(padding);
      for (int i = 0; i < kernel.length; i++) {
        long in = inputShape.get(2 + i);
        pads[kernel.length + i] =
            endPad(
                in,
                kernel[i],
                stride[i],
                padding[i],
                ceilOutput(in, kernel[i], stride[i], padding[i]));
      }
      attributes.put("pads", pads);
    } else {
      attributes.put("pads", symmetric(padding));
    }
    return graph.node("MaxPool", List.of(input), attributes);
  }
}
