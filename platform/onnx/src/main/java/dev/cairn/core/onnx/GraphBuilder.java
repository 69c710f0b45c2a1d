package dev.cairn.core.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.onnx.proto.OnnxMl;
import dev.cairn.spi.onnx.OnnxExportException;
import dev.cairn.spi.onnx.OnnxGraph;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * {@link OnnxGraph} on Tribuo's {@link ONNXContext}: converters add nodes and initializers by name;
 * every node is checked against {@link OnnxOperator}'s table. Attributes are passed on sorted by
 * name, and Tribuo numbers generated names in creation order, so the same block tree always gives
 * the same bytes.
 */
final class GraphBuilder implements OnnxGraph {
  private final ONNXContext context = new ONNXContext();
  private final Map<String, ONNXRef<?>> values = new HashMap<>();
  private final ConverterRegistry converters;
  private final ONNXPlaceholder input;

  GraphBuilder(ConverterRegistry converters) {
    this.converters = converters;
    // Tribuo only makes [batch, n] inputs; OnnxExporter rewrites its shape afterwards
    this.input = context.floatInput("input", 1);
    values.put(input.getReference(), input);
  }

  /** Name of the graph's input value. */
  String input() {
    return input.getReference();
  }

  @Override
  public int opset() {
    return OnnxOperator.OPSET;
  }

  @Override
  public String node(String opType, List<String> inputs, Map<String, ?> attributes) {
    return node(opType, inputs, 1, attributes).get(0);
  }

  @Override
  public List<String> node(
      String opType, List<String> inputs, int outputs, Map<String, ?> attributes) {
    OnnxOperator op =
        OnnxOperator.byName(opType)
            .orElseThrow(
                () ->
                    new OnnxExportException(
                        "operator '"
                            + opType
                            + "' is not in Cairn's opset-"
                            + OnnxOperator.OPSET
                            + " table; known: "
                            + String.join(", ", OnnxOperator.names())));
    List<ONNXRef<?>> refs = new ArrayList<>();
    for (String name : inputs) {
      ONNXRef<?> ref = values.get(name);
      if (ref == null) {
        throw new OnnxExportException(
            opType + " node: input '" + name + "' is not a value of this graph");
      }
      refs.add(ref);
    }
    Map<String, Object> sorted = new TreeMap<>();
    attributes.forEach((k, v) -> sorted.put(k, attributeValue(opType, k, v)));
    List<String> outputNames = new ArrayList<>();
    String base = opType.toLowerCase(Locale.ROOT);
    for (int i = 0; i < outputs; i++) {
      outputNames.add(outputs == 1 ? base : base + "_out" + i);
    }
    List<ONNXNode> nodes;
    try {
      nodes = context.operation(op, refs, outputNames, sorted);
    } catch (IllegalArgumentException e) {
      throw new OnnxExportException(opType + " node is not valid: " + e.getMessage(), e);
    }
    List<String> names = new ArrayList<>();
    for (ONNXNode n : nodes) {
      values.put(n.getReference(), n);
      names.add(n.getReference());
    }
    return names;
  }

  @Override
  public String initializer(String baseName, NDArray array) {
    float[] data = array.getDataType() == DataType.FLOAT32 ? array.toFloatArray() : toFloats(array);
    return floatInitializer(baseName, data, array.getShape().getShape());
  }

  private static float[] toFloats(NDArray array) {
    try (NDArray f = array.toType(DataType.FLOAT32, true)) {
      return f.toFloatArray();
    }
  }

  @Override
  public String floatInitializer(String baseName, float[] values, long... dims) {
    checkSize(baseName, values.length, dims);
    if (dims.length == 0) {
      return register(context.constant(baseName, values[0])); // Tribuo's floatTensor sizes [] as 0
    }
    List<Integer> dimList = new ArrayList<>();
    for (long d : dims) {
      dimList.add(Math.toIntExact(d));
    }
    return register(context.floatTensor(baseName, dimList, (FloatBuffer buf) -> buf.put(values)));
  }

  @Override
  public String longInitializer(String baseName, long[] values, long... dims) {
    checkSize(baseName, values.length, dims);
    if (dims.length == 1) {
      return register(context.array(baseName, values));
    }
    if (dims.length == 0) {
      return register(context.constant(baseName, values[0]));
    }
    throw new OnnxExportException(
        "int64 initializer '"
            + baseName
            + "': only scalars and vectors are supported, got dims "
            + Arrays.toString(dims));
  }

  private static void checkSize(String name, int length, long[] dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    if (n != length) {
      throw new OnnxExportException(
          "initializer '"
              + name
              + "': dims "
              + Arrays.toString(dims)
              + " need "
              + n
              + " values, got "
              + length);
    }
  }

  private String register(ONNXRef<?> ref) {
    values.put(ref.getReference(), ref);
    return ref.getReference();
  }

  @Override
  public String convert(Block child, String inputName, Shape inputShape) {
    return converters.find(child).convert(child, inputName, inputShape, this);
  }

  /** Adds an Identity named {@code output} base and returns the finished graph proto. */
  OnnxMl.GraphProto finish(String lastValue) {
    node("Identity", List.of(lastValue), Map.of());
    return context.buildGraph();
  }

  /** Tribuo's attribute builder takes Integer, Float, String, int[], float[], String[]. */
  private static Object attributeValue(String op, String name, Object v) {
    if (v instanceof Long l) {
      return Math.toIntExact(l);
    }
    if (v instanceof Double d) {
      return d.floatValue();
    }
    if (v instanceof long[] longs) {
      int[] ints = new int[longs.length];
      for (int i = 0; i < longs.length; i++) {
        ints[i] = Math.toIntExact(longs[i]);
      }
      return ints;
    }
    if (v instanceof Integer
        || v instanceof Float
        || v instanceof String
        || v instanceof int[]
        || v instanceof float[]
        || v instanceof String[]) {
      return v;
    }
    throw new OnnxExportException(
        op
            + " attribute '"
            + name
            + "': values of type "
            + (v == null ? "null" : v.getClass().getSimpleName())
            + " are not supported; use Integer, Long, Float, Double, String, int[], long[], float[] or String[]");
  }

  /** A block's description for messages: a LambdaBlock's name, or the class name. */
  static String describe(Block block) {
    if (block instanceof LambdaBlock lambda) {
      return "LambdaBlock '" + lambda.getName() + "'";
    }
    return block.getClass().getSimpleName();
  }

  static Map<String, Object> attrs(Object... keyValues) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }
}
