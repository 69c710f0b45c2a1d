package dev.cairn.core.onnx;

import ai.onnx.proto.OnnxMl;
import dev.cairn.core.onnx.OnnxModelException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Works out, before ONNX Runtime runs, how large a prediction's tensors will be, so that a small
 * model that expands its input into gigabytes is refused without allocating anything. Shapes are
 * propagated from the request's input shapes through the operators whose output shape is cheap to
 * know (element-wise ops, broadcasting, Expand, Tile, ConstantOfShape, Reshape, Concat, MatMul,
 * Gemm, Flatten, Transpose, Shape/Gather/Unsqueeze arithmetic on constant shapes); an output the
 * propagation cannot follow takes the graph's declared shape with its symbolic dimensions named
 * after the inputs' (e.g. {@code batch}). Whatever stays unknown is checked after the run instead.
 */
final class ShapeInference {
  /** Integer contents kept per tensor, for shape arithmetic; larger constants are not followed. */
  private static final int MAX_KNOWN_INTS = 64;

  private static final ShapeInference NONE =
      new ShapeInference(List.of(), Map.of(), List.of(), List.of());

  /** What is known of one value: a shape with -1 for an unknown dimension (null: unknown rank). */
  private record Value(long[] shape, int elementBytes, long[] ints) {
    static final Value UNKNOWN = new Value(null, 0, null);

    boolean known() {
      if (shape == null) {
        return false;
      }
      for (long d : shape) {
        if (d < 0) {
          return false;
        }
      }
      return true;
    }

    long bytes() {
      long n = Math.max(1, elementBytes);
      for (long d : shape) {
        n = saturatingMultiply(n, d);
      }
      return n;
    }
  }

  private record Node(
      String name,
      String op,
      List<String> inputs,
      List<String> outputs,
      Map<String, OnnxMl.AttributeProto> attributes) {}

  private final List<Node> nodes;
  private final Map<String, Value> constants;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;

  /**
   * Feeds (input names, types and shapes with the two limits) that passed {@link #check}: the check
   * depends on nothing else, so a repeated shape skips it. Bounded: cleared when it fills up.
   */
  private final Map<String, Boolean> passed = new ConcurrentHashMap<>();

  private static final int MAX_PASSED = 256;

  private static final Set<String> COMPARISONS =
      Set.of("Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor");

  private ShapeInference(
      List<Node> nodes,
      Map<String, Value> constants,
      List<TensorSpec> inputs,
      List<TensorSpec> outputs) {
    this.nodes = nodes;
    this.constants = constants;
    this.inputs = inputs;
    this.outputs = outputs;
  }

  /** Reads a model file; a file it cannot read checks nothing (ONNX Runtime then reports it). */
  static ShapeInference read(Path file) {
    try {
      return of(OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file)).getGraph());
    } catch (IOException | RuntimeException e) {
      return NONE;
    }
  }

  static ShapeInference of(OnnxMl.GraphProto graph) {
    Map<String, Value> constants = new HashMap<>();
    for (OnnxMl.TensorProto t : graph.getInitializerList()) {
      constants.put(t.getName(), constant(t));
    }
    List<Node> nodes = new ArrayList<>();
    for (OnnxMl.NodeProto n : graph.getNodeList()) {
      Map<String, OnnxMl.AttributeProto> attributes = new HashMap<>();
      for (OnnxMl.AttributeProto a : n.getAttributeList()) {
        // keep small attributes only: a Constant's tensor is turned into a Value right here
        if (a.getType() == OnnxMl.AttributeProto.AttributeType.TENSOR) {
          if (n.getOpType().equals("Constant") && n.getOutputCount() == 1) {
            constants.put(n.getOutput(0), constant(a.getT()));
          } else if (n.getOpType().equals("ConstantOfShape")) {
            attributes.put(
                a.getName(), a.toBuilder().setT(a.getT().toBuilder().clearRawData()).build());
          }
        } else if (a.getType() != OnnxMl.AttributeProto.AttributeType.GRAPH
            && a.getType() != OnnxMl.AttributeProto.AttributeType.GRAPHS) {
          attributes.put(a.getName(), a);
        }
      }
      if (n.getOpType().equals("Constant")
          && n.getOutputCount() == 1
          && !constants.containsKey(n.getOutput(0))) {
        constants.put(n.getOutput(0), constantFromAttributes(attributes));
      }
      nodes.add(
          new Node(
              n.getName(),
              n.getOpType(),
              List.copyOf(n.getInputList()),
              List.copyOf(n.getOutputList()),
              attributes));
    }
    List<TensorSpec> in = new ArrayList<>();
    for (OnnxMl.ValueInfoProto v : graph.getInputList()) {
      in.add(OnnxModelInspector.spec(v));
    }
    List<TensorSpec> out = new ArrayList<>();
    for (OnnxMl.ValueInfoProto v : graph.getOutputList()) {
      out.add(OnnxModelInspector.spec(v));
    }
    return new ShapeInference(List.copyOf(nodes), constants, in, out);
  }

  /**
   * Refuses a request whose outputs together exceed {@code maxOutputBytes}, or one of whose
   * intermediate tensors exceeds {@code maxTensorBytes}, as far as shapes can be known beforehand.
   */
  void check(Map<String, TensorData> feed, long maxOutputBytes, long maxTensorBytes) {
    StringBuilder key =
        new StringBuilder().append(maxOutputBytes).append(',').append(maxTensorBytes);
    for (Map.Entry<String, TensorData> e : feed.entrySet()) {
      key.append('\u0000').append(e.getKey()).append('\u0000').append(e.getValue().type());
      for (long d : e.getValue().shape()) {
        key.append(',').append(d);
      }
    }
    String k = key.toString();
    if (passed.containsKey(k)) {
      return;
    }
    checkNow(feed, maxOutputBytes, maxTensorBytes);
    if (passed.size() >= MAX_PASSED) {
      passed.clear();
    }
    passed.put(k, Boolean.TRUE);
  }

  private void checkNow(Map<String, TensorData> feed, long maxOutputBytes, long maxTensorBytes) {
    Map<String, Value> values = new HashMap<>(constants);
    Map<String, Long> dimNames = new HashMap<>();
    for (Map.Entry<String, TensorData> e : feed.entrySet()) {
      TensorData t = e.getValue();
      values.put(e.getKey(), new Value(t.shape(), elementBytes(t.type()), null));
      inputs.stream()
          .filter(s -> s.name().equals(e.getKey()))
          .findFirst()
          .ifPresent(
              s -> {
                for (int i = 0;
                    i < s.shape().length && i < t.shape().length && i < s.dimNames().size();
                    i++) {
                  if (!s.dimNames().get(i).isEmpty()) {
                    dimNames.putIfAbsent(s.dimNames().get(i), t.shape()[i]);
                  }
                }
              });
    }
    for (Node n : nodes) {
      Value[] out;
      try {
        out = infer(n, values);
      } catch (RuntimeException e) {
        out = null; // shapes that do not fit are ONNX Runtime's to report
      }
      for (int i = 0; i < n.outputs().size(); i++) {
        Value v = out != null && i < out.length && out[i] != null ? out[i] : Value.UNKNOWN;
        values.put(n.outputs().get(i), v);
        if (v.known() && v.bytes() > maxTensorBytes && !isGraphOutput(n.outputs().get(i))) {
          throw new OnnxModelException(
              Reason.BAD_INPUT,
              String.format(
                  Locale.ROOT,
                  "for this input, node '%s' (%s) would make tensor '%s' of shape %s (%s), more than the %s one tensor"
                      + " may take; send a smaller batch or input",
                  n.name(),
                  n.op(),
                  n.outputs().get(i),
                  Arrays.toString(v.shape()),
                  size(v.bytes()),
                  size(maxTensorBytes)));
        }
      }
    }
    long total = 0;
    TensorSpec largestSpec = null;
    long[] largestShape = null;
    long largestBytes = 0;
    for (TensorSpec o : outputs) {
      long[] shape = resolved(o, values.get(o.name()), dimNames);
      if (shape == null) {
        continue;
      }
      Value v = values.get(o.name());
      int width = v != null && v.elementBytes() > 0 ? v.elementBytes() : elementBytes(o.type());
      long bytes = new Value(shape, width, null).bytes();
      total = saturatingAdd(total, bytes);
      if (largestSpec == null || bytes > 0) {
        largestSpec = o;
        largestShape = shape;
        largestBytes = bytes;
      }
      if (total > maxOutputBytes) {
        String largest =
            "output '"
                + largestSpec.name()
                + "' would be "
                + largestSpec.type()
                + " "
                + Arrays.toString(largestShape)
                + " ("
                + size(largestBytes)
                + ")";
        throw new OnnxModelException(
            Reason.BAD_INPUT,
            "for this input, "
                + largest
                + (total > bytes ? ", " + size(total) + " with the outputs before it" : "")
                + ", more than the "
                + size(maxOutputBytes)
                + " a prediction may return; send a smaller batch or input");
      }
    }
  }

  private boolean isGraphOutput(String name) {
    return outputs.stream().anyMatch(o -> o.name().equals(name));
  }

  /** The inferred shape where known, else the declared one with named dimensions filled in. */
  private static long[] resolved(TensorSpec declared, Value inferred, Map<String, Long> dimNames) {
    if (inferred != null && inferred.known()) {
      return inferred.shape();
    }
    long[] want = declared.shape();
    if (!declared.isTensor()
        || (inferred != null
            && inferred.shape() != null
            && inferred.shape().length != want.length)) {
      return null;
    }
    long[] shape = new long[want.length];
    for (int i = 0; i < want.length; i++) {
      long fromInference = inferred != null && inferred.shape() != null ? inferred.shape()[i] : -1;
      String name = i < declared.dimNames().size() ? declared.dimNames().get(i) : "";
      shape[i] =
          fromInference >= 0
              ? fromInference
              : want[i] >= 0 ? want[i] : dimNames.getOrDefault(name, -1L);
      if (shape[i] < 0) {
        return null;
      }
    }
    return shape;
  }

  private static Value[] infer(Node n, Map<String, Value> values) {
    Value a = input(n, values, 0);
    switch (n.op()) {
      case "Identity",
          "Relu",
          "Sigmoid",
          "Tanh",
          "Exp",
          "Log",
          "Neg",
          "Abs",
          "Sqrt",
          "Erf",
          "Floor",
          "Ceil",
          "Round",
          "Sign",
          "Reciprocal",
          "LeakyRelu",
          "Elu",
          "Selu",
          "Celu",
          "Softplus",
          "Softsign",
          "HardSigmoid",
          "HardSwish",
          "Softmax",
          "LogSoftmax",
          "Not",
          "Clip",
          "Dropout",
          "BatchNormalization",
          "Gelu",
          "Mish",
          "Sin",
          "Cos",
          "LayerNormalization",
          "InstanceNormalization",
          "LRN",
          "PRelu",
          "ThresholdedRelu",
          "Shrink",
          "IsNaN",
          "IsInf" -> {
        boolean keepInts = n.op().equals("Identity");
        int width = n.op().startsWith("Is") || n.op().equals("Not") ? 1 : a.elementBytes();
        return new Value[] {new Value(a.shape(), width, keepInts ? a.ints() : null)};
      }
      case "Cast" -> {
        int to = (int) attrInt(n, "to", 1);
        return new Value[] {new Value(a.shape(), typeBytes(to), isIntegral(to) ? a.ints() : null)};
      }
      case "Add",
          "Sub",
          "Mul",
          "Div",
          "Pow",
          "Max",
          "Min",
          "Mod",
          "Sum",
          "Mean",
          "BitShift",
          "Equal",
          "Less",
          "Greater",
          "LessOrEqual",
          "GreaterOrEqual",
          "And",
          "Or",
          "Xor",
          "Where" -> {
        long[] shape = a.shape();
        for (int i = 1; i < n.inputs().size(); i++) {
          shape = broadcast(shape, input(n, values, i).shape());
        }
        boolean compares = COMPARISONS.contains(n.op());
        int width =
            compares
                ? 1
                : n.op().equals("Where") ? input(n, values, 1).elementBytes() : a.elementBytes();
        return new Value[] {new Value(shape, width, null)};
      }
      case "Shape" -> {
        if (a.shape() == null) {
          return null;
        }
        int rank = a.shape().length;
        int start = clampAxis(attrInt(n, "start", 0), rank);
        int end = clampAxis(attrInt(n, "end", rank), rank);
        long[] dims = Arrays.copyOfRange(a.shape(), start, Math.max(start, end));
        return new Value[] {
          new Value(new long[] {dims.length}, 8, a.known() || allKnown(dims) ? dims : null)
        };
      }
      case "Size" -> {
        return new Value[] {new Value(new long[0], 8, null)};
      }
      case "Gather" -> {
        Value idx = input(n, values, 1);
        if (a.shape() == null || idx.shape() == null) {
          return null;
        }
        int axis = (int) attrInt(n, "axis", 0);
        axis = axis < 0 ? axis + a.shape().length : axis;
        long[] shape =
            concat(
                Arrays.copyOfRange(a.shape(), 0, axis),
                idx.shape(),
                Arrays.copyOfRange(a.shape(), axis + 1, a.shape().length));
        long[] ints = null;
        if (a.ints() != null && idx.ints() != null && a.shape().length == 1) {
          ints = new long[idx.ints().length];
          for (int i = 0; i < ints.length; i++) {
            long k = idx.ints()[i];
            ints[i] = a.ints()[(int) (k < 0 ? k + a.ints().length : k)];
          }
        }
        return new Value[] {new Value(shape, a.elementBytes(), ints)};
      }
      case "Unsqueeze", "Squeeze" -> {
        if (a.shape() == null) {
          return null;
        }
        long[] axes = n.inputs().size() > 1 ? input(n, values, 1).ints() : attrInts(n, "axes");
        if (axes == null) {
          return null;
        }
        List<Long> dims = new ArrayList<>();
        for (long d : a.shape()) {
          dims.add(d);
        }
        if (n.op().equals("Unsqueeze")) {
          int rank = a.shape().length + axes.length;
          long[] sorted = axes.clone();
          for (int i = 0; i < sorted.length; i++) {
            sorted[i] = sorted[i] < 0 ? sorted[i] + rank : sorted[i];
          }
          Arrays.sort(sorted);
          for (long ax : sorted) {
            dims.add((int) ax, 1L);
          }
        } else {
          long[] sorted = axes.clone();
          for (int i = 0; i < sorted.length; i++) {
            sorted[i] = sorted[i] < 0 ? sorted[i] + a.shape().length : sorted[i];
          }
          Arrays.sort(sorted);
          for (int i = sorted.length - 1; i >= 0; i--) {
            dims.remove((int) sorted[i]);
          }
        }
        return new Value[] {
          new Value(dims.stream().mapToLong(Long::longValue).toArray(), a.elementBytes(), a.ints())
        };
      }
      case "Concat" -> {
        if (a.shape() == null) {
          return null;
        }
        int rank = a.shape().length;
        int axis = (int) attrInt(n, "axis", 0);
        axis = axis < 0 ? axis + rank : axis;
        long[] shape = a.shape().clone();
        List<Long> ints = new ArrayList<>();
        boolean intsKnown = rank == 1;
        for (int i = 0; i < n.inputs().size(); i++) {
          Value v = input(n, values, i);
          if (v.shape() == null || v.shape().length != rank) {
            return null;
          }
          if (i > 0) {
            shape[axis] =
                shape[axis] < 0 || v.shape()[axis] < 0 ? -1 : shape[axis] + v.shape()[axis];
          }
          if (v.ints() == null) {
            intsKnown = false;
          } else {
            for (long x : v.ints()) {
              ints.add(x);
            }
          }
        }
        return new Value[] {
          new Value(
              shape,
              a.elementBytes(),
              intsKnown ? ints.stream().mapToLong(Long::longValue).toArray() : null)
        };
      }
      case "Reshape" -> {
        long[] target = input(n, values, 1).ints();
        if (target == null) {
          return null;
        }
        long[] shape = target.clone();
        boolean allowZero = attrInt(n, "allowzero", 0) == 1;
        int free = -1;
        long product = 1;
        for (int i = 0; i < shape.length; i++) {
          if (shape[i] == 0 && !allowZero) {
            shape[i] = a.shape() != null && i < a.shape().length ? a.shape()[i] : -1;
          }
          if (shape[i] == -1 && target[i] == -1) {
            free = i;
          } else if (shape[i] < 0) {
            return new Value[] {new Value(shape, a.elementBytes(), null)};
          } else {
            product = saturatingMultiply(product, shape[i]);
          }
        }
        if (free >= 0) {
          shape[free] =
              a.known() && product > 0 ? new Value(a.shape(), 1, null).bytes() / product : -1;
        }
        return new Value[] {new Value(shape, a.elementBytes(), a.ints())};
      }
      case "Expand" -> {
        long[] target = input(n, values, 1).ints();
        return new Value[] {
          new Value(target == null ? null : broadcast(a.shape(), target), a.elementBytes(), null)
        };
      }
      case "Tile" -> {
        long[] repeats = input(n, values, 1).ints();
        if (repeats == null || a.shape() == null || repeats.length != a.shape().length) {
          return null;
        }
        long[] shape = new long[repeats.length];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = a.shape()[i] < 0 ? -1 : saturatingMultiply(a.shape()[i], repeats[i]);
        }
        return new Value[] {new Value(shape, a.elementBytes(), null)};
      }
      case "ConstantOfShape" -> {
        OnnxMl.AttributeProto value = n.attributes().get("value");
        int width = value == null ? 4 : typeBytes(value.getT().getDataType());
        return new Value[] {new Value(a.ints(), width, null)};
      }
      case "MatMul" -> {
        long[] b = input(n, values, 1).shape();
        if (a.shape() == null || b == null || a.shape().length < 1 || b.length < 1) {
          return null;
        }
        long[] x = a.shape().length == 1 ? new long[] {1, a.shape()[0]} : a.shape();
        long[] y = b.length == 1 ? new long[] {b[0], 1} : b;
        long[] batch = broadcast(Arrays.copyOf(x, x.length - 2), Arrays.copyOf(y, y.length - 2));
        List<Long> dims = new ArrayList<>();
        for (long d : batch) {
          dims.add(d);
        }
        if (a.shape().length > 1) {
          dims.add(x[x.length - 2]);
        }
        if (b.length > 1) {
          dims.add(y[y.length - 1]);
        }
        return new Value[] {
          new Value(dims.stream().mapToLong(Long::longValue).toArray(), a.elementBytes(), null)
        };
      }
      case "Gemm" -> {
        long[] b = input(n, values, 1).shape();
        if (a.shape() == null || b == null || a.shape().length != 2 || b.length != 2) {
          return null;
        }
        long m = attrInt(n, "transA", 0) == 1 ? a.shape()[1] : a.shape()[0];
        long k = attrInt(n, "transB", 0) == 1 ? b[0] : b[1];
        return new Value[] {new Value(new long[] {m, k}, a.elementBytes(), null)};
      }
      case "Flatten" -> {
        if (a.shape() == null) {
          return null;
        }
        int axis = (int) attrInt(n, "axis", 1);
        axis = axis < 0 ? axis + a.shape().length : axis;
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < a.shape().length; i++) {
          long d = a.shape()[i];
          if (i < axis) {
            outer = outer < 0 || d < 0 ? -1 : saturatingMultiply(outer, d);
          } else {
            inner = inner < 0 || d < 0 ? -1 : saturatingMultiply(inner, d);
          }
        }
        return new Value[] {new Value(new long[] {outer, inner}, a.elementBytes(), null)};
      }
      case "Transpose" -> {
        if (a.shape() == null) {
          return null;
        }
        long[] perm = attrInts(n, "perm");
        long[] shape = new long[a.shape().length];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = a.shape()[perm == null ? shape.length - 1 - i : (int) perm[i]];
        }
        return new Value[] {new Value(shape, a.elementBytes(), null)};
      }
      default -> {
        return null;
      }
    }
  }

  private static Value input(Node n, Map<String, Value> values, int i) {
    if (i >= n.inputs().size() || n.inputs().get(i).isEmpty()) {
      return Value.UNKNOWN;
    }
    return values.getOrDefault(n.inputs().get(i), Value.UNKNOWN);
  }

  /** Numpy-style broadcasting; -1 where a dimension cannot be known. */
  private static long[] broadcast(long[] x, long[] y) {
    if (x == null || y == null) {
      return null;
    }
    int rank = Math.max(x.length, y.length);
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      long a = i < rank - x.length ? 1 : x[i - (rank - x.length)];
      long b = i < rank - y.length ? 1 : y[i - (rank - y.length)];
      out[i] = a == 1 ? b : b == 1 ? a : a < 0 ? b : b < 0 ? a : Math.max(a, b);
    }
    return out;
  }

  private static long[] concat(long[]... parts) {
    return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
  }

  private static boolean allKnown(long[] dims) {
    return Arrays.stream(dims).allMatch(d -> d >= 0);
  }

  private static int clampAxis(long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    return (int) Math.max(0, Math.min(rank, a));
  }

  private static long attrInt(Node n, String name, long otherwise) {
    OnnxMl.AttributeProto a = n.attributes().get(name);
    return a == null ? otherwise : a.getI();
  }

  private static long[] attrInts(Node n, String name) {
    OnnxMl.AttributeProto a = n.attributes().get(name);
    return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  private static Value constant(OnnxMl.TensorProto t) {
    long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    return new Value(dims, typeBytes(t.getDataType()), ints(t));
  }

  private static Value constantFromAttributes(Map<String, OnnxMl.AttributeProto> attributes) {
    if (attributes.containsKey("value_ints")) {
      long[] v =
          attributes.get("value_ints").getIntsList().stream().mapToLong(Long::longValue).toArray();
      return new Value(new long[] {v.length}, 8, v);
    }
    if (attributes.containsKey("value_int")) {
      return new Value(new long[0], 8, new long[] {attributes.get("value_int").getI()});
    }
    return Value.UNKNOWN;
  }

  /** A small int64 / int32 tensor's values, else null. */
  private static long[] ints(OnnxMl.TensorProto t) {
    int type = t.getDataType();
    if (type != OnnxMl.TensorProto.DataType.INT64_VALUE
        && type != OnnxMl.TensorProto.DataType.INT32_VALUE) {
      return null;
    }
    long count = 1;
    for (long d : t.getDimsList()) {
      count *= d;
    }
    if (count > MAX_KNOWN_INTS) {
      return null;
    }
    long[] out = new long[(int) count];
    if (!t.getRawData().isEmpty()) {
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < out.length; i++) {
        out[i] = type == OnnxMl.TensorProto.DataType.INT64_VALUE ? b.getLong() : b.getInt();
      }
    } else if (type == OnnxMl.TensorProto.DataType.INT64_VALUE && t.getInt64DataCount() == count) {
      for (int i = 0; i < out.length; i++) {
        out[i] = t.getInt64Data(i);
      }
    } else if (type == OnnxMl.TensorProto.DataType.INT32_VALUE && t.getInt32DataCount() == count) {
      for (int i = 0; i < out.length; i++) {
        out[i] = t.getInt32Data(i);
      }
    } else {
      return null;
    }
    return out;
  }

  private static boolean isIntegral(int type) {
    return type == OnnxMl.TensorProto.DataType.INT64_VALUE
        || type == OnnxMl.TensorProto.DataType.INT32_VALUE;
  }

  /** Bytes per element of an ONNX TensorProto data type; 1 where not fixed (strings) or unknown. */
  private static int typeBytes(int type) {
    OnnxMl.TensorProto.DataType t = OnnxMl.TensorProto.DataType.forNumber(type);
    return t == null ? 1 : elementBytes(t.name().toLowerCase(Locale.ROOT));
  }

  static int elementBytes(String type) {
    return switch (type) {
      case "double", "int64", "uint64", "complex64" -> 8;
      case "float", "int32", "uint32" -> 4;
      case "float16", "bfloat16", "int16", "uint16" -> 2;
      case "complex128" -> 16;
      default -> 1;
    };
  }

  private static long saturatingMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
  }

  private static long saturatingAdd(long a, long b) {
    long r = a + b;
    return r < 0 ? Long.MAX_VALUE : r;
  }

  static String size(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
