package dev.cairn.core.onnx;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.core.onnx.OnnxModelException.Reason;
import java.io.IOException;
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
   * {"inputs": <nested array>}}, or {@code {"inputs": {"<input name>": <nested array>, ...}}}. The
   * text is read as a stream, straight into a double array: no tree of number objects.
   *
   * @param firstInput the name to use for a bare array
   */
  public static Map<String, Parsed> parseRequest(String text, String firstInput) {
    Map<String, Parsed> out = new LinkedHashMap<>();
    try (JsonParser p = JSON.getFactory().createParser(text)) {
      JsonToken root = p.nextToken();
      if (root == null) {
        throw bad("the input is empty; expected a nested array of numbers, or {\"inputs\": ...}");
      }
      if (root == JsonToken.START_ARRAY) {
        out.put(firstInput, new Reader(firstInput).read(p));
        return out;
      }
      if (root != JsonToken.START_OBJECT) {
        throw bad("expected a nested array of numbers, or an object {\"inputs\": <nested array>} or"
            + " {\"inputs\": {\"<input name>\": <nested array>}}; got " + describe(p));
      }
      boolean found = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!field.equals("inputs")) {
          p.skipChildren();
          continue;
        }
        found = true;
        if (value == JsonToken.START_ARRAY) {
          out.put(firstInput, new Reader(firstInput).read(p));
        } else if (value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (p.nextToken() != JsonToken.START_ARRAY) {
              throw bad("input '" + name + "' must be a (nested) array of numbers, got " + describe(p));
            }
            out.put(name, new Reader(name).read(p));
          }
          if (out.isEmpty()) {
            throw bad("\"inputs\" names no inputs");
          }
        } else {
          throw bad("\"inputs\" must be a nested array or an object of nested arrays by input name");
        }
      }
      if (!found) {
        throw bad("expected a nested array of numbers, or an object {\"inputs\": <nested array>} or"
            + " {\"inputs\": {\"<input name>\": <nested array>}}; got an object without \"inputs\"");
      }
      return out;
    } catch (JsonProcessingException e) {
      throw bad("the input is not valid JSON: " + ExecutionProviders.firstLine(e.getOriginalMessage())
          + "; expected a nested array of numbers, or {\"inputs\": ...}");
    } catch (IOException e) {
      throw bad("the input cannot be read: " + e.getMessage());
    }
  }

  /** Reads one nested array whose START_ARRAY the parser is on; checks it is rectangular. */
  private static final class Reader {
    private static final int MAX_VALUES = 256 << 20;
    private final String name;
    private final List<Long> shape = new ArrayList<>();
    private final List<Integer> path = new ArrayList<>();
    private int leafDepth = -1;
    private double[] values = new double[1024];
    private int count;

    Reader(String name) {
      this.name = name;
    }

    Parsed read(JsonParser p) throws IOException {
      array(p, 0);
      return new Parsed(Arrays.copyOf(values, count), shape.stream().mapToLong(Long::longValue).toArray());
    }

    private void array(JsonParser p, int depth) throws IOException {
      int n = 0;
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          throw bad("the input is not valid JSON: it ends inside an array");
        }
        path.add(n);
        if (t == JsonToken.START_ARRAY) {
          if (leafDepth >= 0 && depth + 1 >= leafDepth) {
            throw bad("input '" + name + "'" + index(path) + " is an array, not a number");
          }
          array(p, depth + 1);
        } else {
          if (leafDepth < 0) {
            leafDepth = depth + 1;
          } else if (leafDepth != depth + 1) {
            throw bad("input '" + name + "' is ragged: " + name + index(path) + " is " + describe(p)
                + " where the first element at that depth is an array; every row must have the same length");
          }
          add(p);
        }
        path.remove(path.size() - 1);
        n++;
      }
      if (n == 0) {
        throw bad("input '" + name + "' has an empty array" + (depth == 0 ? "" : " at depth " + depth)
            + "; tensors need at least one value per dimension");
      }
      while (shape.size() <= depth) {
        shape.add(null); // inner arrays finish first: a depth's size is known when its first array ends
      }
      if (shape.get(depth) == null) {
        shape.set(depth, (long) n);
      } else if (shape.get(depth) != n) {
        throw bad("input '" + name + "' is ragged: " + name + index(path) + " is an array of " + n
            + " but the first element at that depth has " + shape.get(depth)
            + " values; every row must have the same length");
      }
    }

    private void add(JsonParser p) throws IOException {
      double v;
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
        v = p.getDoubleValue();
      } else if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
        v = t == JsonToken.VALUE_TRUE ? 1 : 0;
      } else {
        String what = describe(p);
        throw bad("input '" + name + "'" + index(path) + " is " + what + ", not a number");
      }
      if (count == values.length) {
        if (count >= MAX_VALUES) {
          throw bad("input '" + name + "' has more than " + MAX_VALUES + " values; that is the most allowed");
        }
        values = Arrays.copyOf(values, Math.min(MAX_VALUES, count * 2));
      }
      values[count++] = v;
    }
  }

  private static String index(List<Integer> path) {
    StringBuilder s = new StringBuilder();
    path.forEach(i -> s.append('[').append(i).append(']'));
    return s.toString();
  }

  /** The current token for messages; skips an object or array it describes. */
  private static String describe(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      String text = p.getText();
      return "the string \"" + (text.length() > 20 ? text.substring(0, 20) + "..." : text) + "\"";
    }
    if (t == JsonToken.VALUE_NULL) {
      return "null";
    }
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
      return t == JsonToken.START_OBJECT ? "an object" : "an array";
    }
    return p.getText();
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
