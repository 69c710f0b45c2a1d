package dev.cairn.core.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;

/**
 * The ONNX operators (default domain, opset 13) that Cairn's exporter and plugin converters may
 * emit: those Tribuo's own table lacks for neural networks (Conv, pools, BatchNormalization, the
 * activations, Flatten, Reshape, Dropout, recurrent cells, ...) plus the arithmetic they need.
 * Tribuo's builder checks every node against this table: input count, output count and attribute
 * names and types.
 */
public enum OnnxOperator implements ONNXOperator {
  ADD("Add", 2),
  SUB("Sub", 2),
  MUL("Mul", 2),
  DIV("Div", 2),
  POW("Pow", 2),
  NEG("Neg", 1),
  EXP("Exp", 1),
  LOG("Log", 1),
  SQRT("Sqrt", 1),
  ABS("Abs", 1),
  ERF("Erf", 1),
  MATMUL("MatMul", 2),
  GEMM("Gemm", 2, 1, 1, "alpha:f", "beta:f", "transA:i", "transB:i"),
  IDENTITY("Identity", 1),
  RELU("Relu", 1),
  SIGMOID("Sigmoid", 1),
  TANH("Tanh", 1),
  SOFTPLUS("Softplus", 1),
  SOFTSIGN("Softsign", 1),
  LEAKY_RELU("LeakyRelu", 1, 0, 1, "alpha:f"),
  ELU("Elu", 1, 0, 1, "alpha:f"),
  SELU("Selu", 1, 0, 1, "alpha:f", "gamma:f"),
  HARD_SIGMOID("HardSigmoid", 1, 0, 1, "alpha:f", "beta:f"),
  PRELU("PRelu", 2),
  CLIP("Clip", 1, 2, 1),
  SOFTMAX("Softmax", 1, 0, 1, "axis:i"),
  LOG_SOFTMAX("LogSoftmax", 1, 0, 1, "axis:i"),
  FLATTEN("Flatten", 1, 0, 1, "axis:i"),
  RESHAPE("Reshape", 2),
  TRANSPOSE("Transpose", 1, 0, 1, "perm:is"),
  SQUEEZE("Squeeze", 1, 1, 1),
  UNSQUEEZE("Unsqueeze", 2),
  CONCAT("Concat", ONNXAttribute.VARIADIC_INPUT, 0, 1, "axis:i!"),
  PAD("Pad", 2, 1, 1, "mode:s"),
  REDUCE_MEAN("ReduceMean", 1, 0, 1, "axes:is", "keepdims:i"),
  DROPOUT("Dropout", 1, 2, 1, "seed:i"),
  BATCH_NORMALIZATION("BatchNormalization", 5, 0, 1, "epsilon:f", "momentum:f"),
  CONV(
      "Conv",
      2,
      1,
      1,
      "auto_pad:s",
      "dilations:is",
      "group:i",
      "kernel_shape:is",
      "pads:is",
      "strides:is"),
  MAX_POOL(
      "MaxPool",
      1,
      0,
      1,
      "auto_pad:s",
      "ceil_mode:i",
      "dilations:is",
      "kernel_shape:is!",
      "pads:is",
      "storage_order:i",
      "strides:is"),
  AVERAGE_POOL(
      "AveragePool",
      1,
      0,
      1,
      "auto_pad:s",
      "ceil_mode:i",
      "count_include_pad:i",
      "kernel_shape:is!",
      "pads:is",
      "strides:is"),
  GLOBAL_AVERAGE_POOL("GlobalAveragePool", 1),
  GLOBAL_MAX_POOL("GlobalMaxPool", 1),
  // recurrent cells for RNN converters; every output is requested (Y, Y_h[, Y_c])
  RNN(
      "RNN",
      3,
      3,
      2,
      "activation_alpha:fs",
      "activation_beta:fs",
      "activations:ss",
      "clip:f",
      "direction:s",
      "hidden_size:i",
      "layout:i"),
  GRU(
      "GRU",
      3,
      3,
      2,
      "activation_alpha:fs",
      "activation_beta:fs",
      "activations:ss",
      "clip:f",
      "direction:s",
      "hidden_size:i",
      "layout:i",
      "linear_before_reset:i"),
  LSTM(
      "LSTM",
      3,
      5,
      3,
      "activation_alpha:fs",
      "activation_beta:fs",
      "activations:ss",
      "clip:f",
      "direction:s",
      "hidden_size:i",
      "input_forget:i",
      "layout:i");

  /** The opset every Cairn export declares. */
  public static final int OPSET = 13;

  private static final Map<String, OnnxOperator> BY_NAME = new LinkedHashMap<>();

  static {
    for (OnnxOperator op : values()) {
      BY_NAME.put(op.opName, op);
    }
  }

  private final String opName;
  private final int inputs;
  private final int optionalInputs;
  private final int outputs;
  private final Map<String, ONNXAttribute> attributes;
  private final Set<String> mandatory;

  OnnxOperator(String opName, int inputs) {
    this(opName, inputs, 0, 1);
  }

  /**
   * @param attributeSpecs {@code name:type} with type f, i, s, fs, is, ss (FLOAT, INT, STRING and
   *     their lists); a trailing {@code !} marks a mandatory attribute
   */
  OnnxOperator(
      String opName, int inputs, int optionalInputs, int outputs, String... attributeSpecs) {
    this.opName = opName;
    this.inputs = inputs;
    this.optionalInputs = optionalInputs;
    this.outputs = outputs;
    Map<String, ONNXAttribute> attrs = new LinkedHashMap<>();
    Set<String> required = new TreeSet<>();
    for (String spec : attributeSpecs) {
      boolean isMandatory = spec.endsWith("!");
      String[] parts = (isMandatory ? spec.substring(0, spec.length() - 1) : spec).split(":");
      attrs.put(parts[0], new ONNXAttribute(parts[0], type(parts[1]), isMandatory));
      if (isMandatory) {
        required.add(parts[0]);
      }
    }
    this.attributes = Collections.unmodifiableMap(attrs);
    this.mandatory = Collections.unmodifiableSet(required);
  }

  private static AttributeType type(String code) {
    switch (code) {
      case "f":
        return AttributeType.FLOAT;
      case "i":
        return AttributeType.INT;
      case "s":
        return AttributeType.STRING;
      case "fs":
        return AttributeType.FLOATS;
      case "is":
        return AttributeType.INTS;
      case "ss":
        return AttributeType.STRINGS;
      default:
        throw new IllegalArgumentException("unknown attribute type code " + code);
    }
  }

  /** The operator with this ONNX name ({@code Conv}, {@code LeakyRelu}), if Cairn knows it. */
  public static Optional<OnnxOperator> byName(String opName) {
    return Optional.ofNullable(BY_NAME.get(opName));
  }

  /** ONNX names of every operator in the table, in table order. */
  public static Set<String> names() {
    return Collections.unmodifiableSet(BY_NAME.keySet());
  }

  @Override
  public String getOpName() {
    return opName;
  }

  @Override
  public int getNumInputs() {
    return inputs;
  }

  @Override
  public int getNumOptionalInputs() {
    return optionalInputs;
  }

  @Override
  public int getNumOutputs() {
    return outputs;
  }

  @Override
  public Map<String, ONNXAttribute> getAttributes() {
    return attributes;
  }

  @Override
  public Set<String> getMandatoryAttributeNames() {
    return mandatory;
  }

  @Override
  public int getOpVersion() {
    return OPSET;
  }

  @Override
  public String getOpDomain() {
    return ""; // the default ONNX domain, as opset_import names it
  }

  @Override
  public String toString() {
    return opName + "(" + name().toLowerCase(Locale.ROOT) + ")";
  }
}
