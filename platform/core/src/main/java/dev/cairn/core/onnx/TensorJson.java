package dev.cairn.core.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.core.onnx.OnnxModelException.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tensors as JSON: a nested array of numbers (booleans allowed) whose nesting is the shape, e.g.
 * {@code [[0.1, 0.2], [0.3, 0.4]]} is 2 x 2. Ragged arrays, non-numbers and empty arrays are
 * rejected with the index where the problem is.
 */
public final class TensorJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TensorJson() {}

  /** A parsed nested array: values in row-major order and the shape the nesting gave. */
  public record Parsed(double[] values, long[] shape) {}

  /**
   * Parses a request body or file: a bare nested array (the model's first input), {@code
   * {"inputs": <nested array>}}, or {@code {"inputs": {"<input name>": <nested array>, ...}}}.
   *
   * @param firstInput the name to use for a bare array
   */
  public static Map<String, Parsed> parseRequest(String text, String firstInput) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw bad("the input is not valid JSON: " + ExecutionProviders.firstLine(e.getOriginalMessage())
          + "; expected a nested array of numbers, or {\"inputs\": ...}");
    }
    if (root == null || root.isMissingNode()) {
      throw bad("the input is empty; expected a nested array of numbers, or {\"inputs\": ...}");
    }
    Map<String, Parsed> out = new LinkedHashMap<>();
    if (root.isArray()) {
      out.put(firstInput, parse(root, firstInput));
      return out;
    }
    if (!root.isObject() || !root.has("inputs")) {
      throw bad("expected a nested array of numbers, or an object {\"inputs\": <nested array>} or"
          + " {\"inputs\": {\"<input name>\": <nested array>}}; got " + root.getNodeType().name().toLowerCase());
    }
    JsonNode inputs = root.get("inputs");
    if (inputs.isArray()) {
      out.put(firstInput, parse(inputs, firstInput));
    } else if (inputs.isObject()) {
      for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) inputs::fields) {
        out.put(e.getKey(), parse(e.getValue(), e.getKey()));
      }
      if (out.isEmpty()) {
        throw bad("\"inputs\" names no inputs");
      }
    } else {
      throw bad("\"inputs\" must be a nested array or an object of nested arrays by input name");
    }
    return out;
  }

  /** Parses one nested array. */
  public static Parsed parse(JsonNode node, String name) {
    List<Long> shape = new ArrayList<>();
    JsonNode n = node;
    while (n.isArray()) {
      if (n.size() == 0) {
        throw bad("input '" + name + "' has an empty array" + (shape.isEmpty() ? "" : " at depth " + shape.size())
            + "; tensors need at least one value per dimension");
      }
      shape.add((long) n.size());
      n = n.get(0);
    }
    if (shape.isEmpty()) {
      throw bad("input '" + name + "' must be a (nested) array of numbers, got " + describe(node));
    }
    long total = 1;
    for (long d : shape) {
      total *= d;
    }
    if (total > 256L << 20) {
      throw bad("input '" + name + "' has " + total + " values; at most " + (256 << 20) + " are allowed");
    }
    double[] values = new double[(int) total];
    int[] cursor = {0};
    fill(node, 0, shape, values, cursor, name, new ArrayList<>());
    return new Parsed(values, shape.stream().mapToLong(Long::longValue).toArray());
  }

  private static void fill(JsonNode node, int depth, List<Long> shape, double[] out, int[] cursor, String name,
      List<Integer> path) {
    if (depth == shape.size()) {
      if (node.isNumber()) {
        out[cursor[0]++] = node.asDouble();
      } else if (node.isBoolean()) {
        out[cursor[0]++] = node.asBoolean() ? 1 : 0;
      } else {
        throw bad("input '" + name + "'" + index(path) + " is " + describe(node) + ", not a number");
      }
      return;
    }
    if (!node.isArray() || node.size() != shape.get(depth)) {
      throw bad("input '" + name + "' is ragged: " + name + index(path) + " is "
          + (node.isArray() ? "an array of " + node.size() : describe(node)) + " but the first element at that depth has "
          + shape.get(depth) + " values; every row must have the same length");
    }
    for (int i = 0; i < node.size(); i++) {
      path.add(i);
      fill(node.get(i), depth + 1, shape, out, cursor, name, path);
      path.remove(path.size() - 1);
    }
  }

  private static String index(List<Integer> path) {
    StringBuilder s = new StringBuilder();
    path.forEach(i -> s.append('[').append(i).append(']'));
    return s.toString();
  }

  private static String describe(JsonNode node) {
    if (node.isTextual()) {
      String t = node.asText();
      return "the string \"" + (t.length() > 20 ? t.substring(0, 20) + "..." : t) + "\"";
    }
    return node.isNull() ? "null" : node.isObject() ? "an object" : node.toString();
  }

  /** A tensor as a nested JSON array (floats as floats, integers as integers). */
  public static JsonNode toJson(TensorData tensor) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (tensor.shape().length == 0) {
      return value(f, tensor, 0);
    }
    ArrayNode root = f.arrayNode();
    build(root, tensor, 0, 0, f);
    return root;
  }

  private static int build(ArrayNode into, TensorData t, int depth, int offset, JsonNodeFactory f) {
    long n = t.shape()[depth];
    int pos = offset;
    for (int i = 0; i < n; i++) {
      if (depth == t.shape().length - 1) {
        into.add(value(f, t, pos++));
      } else {
        pos = build(into.addArray(), t, depth + 1, pos, f);
      }
    }
    return pos;
  }

  private static JsonNode value(JsonNodeFactory f, TensorData t, int i) {
    switch (t.type()) {
      case "float": return f.numberNode(((float[]) t.data())[i]);
      case "double": return f.numberNode(((double[]) t.data())[i]);
      case "bool": return f.booleanNode(((boolean[]) t.data())[i]);
      default: return f.numberNode((long) t.get(i));
    }
  }

  static String shape(long[] shape) {
    return Arrays.toString(shape);
  }

  private static OnnxModelException bad(String message) {
    return new OnnxModelException(Reason.BAD_INPUT, message);
  }
}
