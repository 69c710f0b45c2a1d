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
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tensors as JSON: a nested array whose nesting is the shape, e.g. {@code [[0.1, 0.2], [0.3, 0.4]]}
 * is 2 x 2; a bare number or string is a scalar (0-d); an object {@code {"shape": [0, 3], "data":
 * []}} gives the shape explicitly (empty tensors of any rank, flat data). Values are read straight
 * into the input's own element type: integers exactly (int64 included, never through a double),
 * refused with the input, the index and the type when they do not fit; floats accept the strings
 * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}, the form outputs are written in.
 * Strings (for {@code string} inputs) are JSON strings. Ragged arrays and values of the wrong kind
 * are rejected with the index where the problem is.
 */
public final class TensorJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TensorJson() {}

  /**
   * A parsed tensor: its element type, the shape the nesting gave and the values in row-major order
   * as that type's array ({@code long[]} for every integer type, {@code double[]} for every float
   * type, {@code boolean[]} for bool, {@code String[]} for string).
   */
  public record Parsed(String type, long[] shape, Object data) {
    /** The values as doubles (for tests and messages; strings are NaN). */
    public double[] values() {
      if (data instanceof double[] d) {
        return d;
      }
      if (data instanceof String[] s) {
        double[] out = new double[s.length];
        Arrays.fill(out, Double.NaN);
        return out;
      }
      if (data instanceof long[] l) {
        double[] out = new double[l.length];
        for (int i = 0; i < l.length; i++) out[i] = l[i];
        return out;
      }
      boolean[] b = (boolean[]) data;
      double[] out = new double[b.length];
      for (int i = 0; i < b.length; i++) out[i] = b[i] ? 1 : 0;
      return out;
    }

    public int count() {
      if (data instanceof double[] d) return d.length;
      if (data instanceof long[] l) return l.length;
      if (data instanceof String[] s) return s.length;
      return ((boolean[]) data).length;
    }
  }

  /** Parses every input as doubles; see {@link #parseRequest(String, String, Function)}. */
  public static Map<String, Parsed> parseRequest(String text, String firstInput) {
    return parseRequest(text, firstInput, name -> "double");
  }

  /**
   * Parses a request body or file: a bare nested array (the model's first input), {@code {"inputs":
   * <nested array>}}, or {@code {"inputs": {"<input name>": <tensor>, ...}}} where a tensor is a
   * nested array, a scalar, or {@code {"shape": [...], "data": [...]}}. The text is read as a
   * stream, straight into typed arrays: no tree of number objects.
   *
   * @param firstInput the name to use for a bare array
   * @param typeOf the element type of an input by name ({@link TensorData#TYPES}); throws for an
   *     input the model does not have
   */
  public static Map<String, Parsed> parseRequest(
      String text, String firstInput, Function<String, String> typeOf) {
    Map<String, Parsed> out = new LinkedHashMap<>();
    try (JsonParser p = JSON.getFactory().createParser(text)) {
      JsonToken root = p.nextToken();
      if (root == null) {
        throw bad("the input is empty; expected a nested array of numbers, or {\"inputs\": ...}");
      }
      if (root == JsonToken.START_ARRAY) {
        out.put(firstInput, new Reader(firstInput, typeOf.apply(firstInput)).read(p));
        return out;
      }
      if (root != JsonToken.START_OBJECT) {
        throw bad(
            "expected a nested array of numbers, or an object {\"inputs\": <nested array>} or"
                + " {\"inputs\": {\"<input name>\": <nested array>}}; got "
                + describe(p));
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
        if (value == JsonToken.START_ARRAY || isScalar(value)) {
          out.put(firstInput, new Reader(firstInput, typeOf.apply(firstInput)).read(p));
        } else if (value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_ARRAY && t != JsonToken.START_OBJECT && !isScalar(t)) {
              throw bad(
                  "input '"
                      + name
                      + "' must be a (nested) array of numbers, a number, or {\"shape\": [...],"
                      + " \"data\": [...]}; got "
                      + describe(p));
            }
            out.put(name, new Reader(name, typeOf.apply(name)).read(p));
          }
          if (out.isEmpty()) {
            throw bad("\"inputs\" names no inputs");
          }
        } else {
          throw bad(
              "\"inputs\" must be a nested array or an object of nested arrays by input name");
        }
      }
      if (!found) {
        throw bad(
            "expected a nested array of numbers, or an object {\"inputs\": <nested array>} or"
                + " {\"inputs\": {\"<input name>\": <nested array>}}; got an object without \"inputs\"");
      }
      return out;
    } catch (JsonProcessingException e) {
      throw bad(jsonProblem(e) + "; expected a nested array of numbers, or {\"inputs\": ...}");
    } catch (IOException e) {
      throw bad("the input cannot be read: " + e.getMessage());
    }
  }

  /**
   * Reads one tensor (nested or flat array, or a scalar) of element {@code type} whose first token
   * the parser is on, with the same exact typing and messages as {@link #parseRequest}.
   */
  public static Parsed readTensor(JsonParser p, String name, String type) {
    try {
      return new Reader(name, type).read(p);
    } catch (JsonProcessingException e) {
      throw bad(jsonProblem(e));
    } catch (IOException e) {
      throw bad("the input cannot be read: " + e.getMessage());
    }
  }

  /** A JSON syntax error in a user's words; bare NaN / Infinity get their own hint. */
  public static String jsonProblem(JsonProcessingException e) {
    String raw = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    var loc = e.getLocation();
    String where =
        loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    if (raw.contains("Non-standard token")) {
      Matcher m = Pattern.compile("token '([^']*)'").matcher(raw);
      String token = m.find() ? m.group(1) : "NaN";
      return "the input is not valid JSON"
          + where
          + ": bare "
          + token
          + " is not a JSON value; write NaN and"
          + " infinities as the strings \"NaN\", \"Infinity\" and \"-Infinity\"";
    }
    String first = ExecutionProviders.firstLine(raw);
    int hint = first.indexOf(" (or `");
    if (hint < 0) {
      hint = first.indexOf(": enable `");
    }
    return "the input is not valid JSON"
        + where
        + ": "
        + (hint > 0 ? first.substring(0, hint) : first);
  }

  private static boolean isScalar(JsonToken t) {
    return t == JsonToken.VALUE_NUMBER_INT
        || t == JsonToken.VALUE_NUMBER_FLOAT
        || t == JsonToken.VALUE_STRING
        || t == JsonToken.VALUE_TRUE
        || t == JsonToken.VALUE_FALSE;
  }

  /** Reads one tensor whose first token the parser is on; checks it is rectangular and typed. */
  private static final class Reader {
    private static final int MAX_VALUES = 256 << 20;
    private final String name;
    private final String type;
    private final Kind kind;
    private final List<Long> shape = new ArrayList<>();
    private final List<Integer> path = new ArrayList<>();
    private int leafDepth = -1;
    private double[] doubles;
    private long[] longs;
    private boolean[] bools;
    private String[] strings;
    private int count;

    private enum Kind {
      FLOAT,
      INTEGER,
      BOOL,
      STRING
    }

    Reader(String name, String type) {
      this.name = name;
      this.type = type;
      this.kind =
          switch (type) {
            case "float", "double", "float16" -> Kind.FLOAT;
            case "bool" -> Kind.BOOL;
            case "int64", "int32", "int16", "int8", "uint8" -> Kind.INTEGER;
            case "string" -> Kind.STRING;
            default ->
                throw bad(
                    "input '"
                        + name
                        + "' has element type "
                        + type
                        + ", which predict cannot feed;"
                        + " supported: "
                        + TensorData.TYPES);
          };
      switch (kind) {
        case FLOAT -> doubles = new double[64];
        case INTEGER -> longs = new long[64];
        case STRING -> strings = new String[64];
        default -> bools = new boolean[64];
      }
    }

    Parsed read(JsonParser p) throws IOException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.START_OBJECT) {
        return explicit(p);
      }
      if (t != JsonToken.START_ARRAY) {
        add(p); // a scalar: shape []
        return result();
      }
      array(p, 0);
      return result();
    }

    private Parsed result() {
      long[] dims = shape.stream().mapToLong(d -> d == null ? 0 : d).toArray();
      return new Parsed(
          type,
          dims,
          switch (kind) {
            case FLOAT -> Arrays.copyOf(doubles, count);
            case INTEGER -> Arrays.copyOf(longs, count);
            case STRING -> Arrays.copyOf(strings, count);
            default -> Arrays.copyOf(bools, count);
          });
    }

    /** {@code {"shape": [...], "data": <flat or nested array, or a scalar>}}. */
    private Parsed explicit(JsonParser p) throws IOException {
      long[] dims = null;
      boolean sawData = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if (field.equals("shape")) {
          if (v != JsonToken.START_ARRAY) {
            throw bad("input '" + name + "': \"shape\" must be an array of non-negative integers");
          }
          List<Long> d = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) {
              throw bad(
                  "input '"
                      + name
                      + "': \"shape\" must be an array of non-negative integers; got "
                      + describe(p));
            }
            d.add(p.getLongValue());
          }
          dims = d.stream().mapToLong(Long::longValue).toArray();
        } else if (field.equals("data")) {
          sawData = true;
          if (v == JsonToken.START_ARRAY) {
            array(p, 0);
          } else if (isScalar(v)) {
            add(p);
          } else {
            throw bad(
                "input '" + name + "': \"data\" must be an array of values; got " + describe(p));
          }
        } else {
          p.skipChildren();
        }
      }
      if (dims == null || !sawData) {
        throw bad(
            "input '"
                + name
                + "' is an object; a tensor object needs \"shape\" and \"data\", e.g."
                + " {\"shape\": [2, 0], \"data\": []}");
      }
      long n = 1;
      for (long d : dims) {
        n = Math.multiplyExact(n, d);
      }
      if (n != count) {
        throw bad(
            "input '"
                + name
                + "': \"shape\" "
                + Arrays.toString(dims)
                + " needs "
                + n
                + " values; \"data\" has "
                + count);
      }
      Parsed flat = result();
      return new Parsed(type, dims, flat.data());
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
          leaf(p, depth + 1);
          add(p);
        }
        path.remove(path.size() - 1);
        n++;
      }
      if (n == 0) {
        leaf(p, depth + 1); // an empty array: its dimension is 0 and it is the innermost one
      }
      while (shape.size() <= depth) {
        shape.add(
            null); // inner arrays finish first: a depth's size is known when its first array ends
      }
      if (shape.get(depth) == null) {
        shape.set(depth, (long) n);
      } else if (shape.get(depth) != n) {
        throw bad(
            "input '"
                + name
                + "' is ragged: "
                + name
                + index(path)
                + " is an array of "
                + n
                + " but the first element at that depth has "
                + shape.get(depth)
                + " values; every row must have the same length");
      }
    }

    private void leaf(JsonParser p, int depth) throws IOException {
      if (leafDepth < 0) {
        leafDepth = depth;
      } else if (leafDepth != depth) {
        throw bad(
            "input '"
                + name
                + "' is ragged: "
                + name
                + index(path)
                + " is "
                + (p.currentToken() == JsonToken.END_ARRAY ? "an empty array" : describe(p))
                + " where the first element at that depth is "
                + (leafDepth > depth ? "an array" : "a value")
                + "; every row must have the same length");
      }
    }

    private void add(JsonParser p) throws IOException {
      if (count == MAX_VALUES) {
        throw bad(
            "input '"
                + name
                + "' has more than "
                + MAX_VALUES
                + " values; that is the most allowed");
      }
      JsonToken t = p.currentToken();
      switch (kind) {
        case FLOAT -> {
          double v;
          if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            v = p.getDoubleValue();
            boolean overflows =
                switch (type) {
                  case "float" -> Float.isInfinite((float) v);
                  case "float16" -> Math.abs(v) >= 65520; // rounds to infinity in half precision
                  default -> Double.isInfinite(v);
                };
            if (overflows) {
              throw doesNotFit(
                  p.getText(),
                  "its finite range is +-"
                      + (type.equals("float16")
                          ? "65504"
                          : type.equals("float") ? "3.4028235e38" : "1.7976931348623157e308")
                      + "; send \"Infinity\" or \"-Infinity\" for an infinity");
            }
          } else if (t == JsonToken.VALUE_STRING) {
            v =
                switch (p.getText()) {
                  case "NaN" -> Double.NaN;
                  case "Infinity", "+Infinity" -> Double.POSITIVE_INFINITY;
                  case "-Infinity" -> Double.NEGATIVE_INFINITY;
                  default ->
                      throw notA(
                          p,
                          "number (the only strings allowed are \"NaN\", \"Infinity\" and \"-Infinity\")");
                };
          } else if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            v = t == JsonToken.VALUE_TRUE ? 1 : 0;
          } else {
            throw notA(p, "number");
          }
          if (count == doubles.length) {
            doubles = Arrays.copyOf(doubles, grow());
          }
          doubles[count++] = v;
        }
        case INTEGER -> {
          long v;
          if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
              throw doesNotFit(p.getText(), range());
            }
            v = p.getLongValue();
          } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            BigDecimal d = p.getDecimalValue();
            try {
              v = d.longValueExact();
            } catch (ArithmeticException e) {
              if (d.stripTrailingZeros().scale() > 0) {
                throw bad(
                    "input '"
                        + name
                        + "'"
                        + at()
                        + " is "
                        + p.getText()
                        + ", not an integer; "
                        + type
                        + " takes whole numbers "
                        + range());
              }
              throw doesNotFit(p.getText(), range());
            }
          } else if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            v = t == JsonToken.VALUE_TRUE ? 1 : 0;
          } else {
            throw notA(p, "number");
          }
          if (v < min() || v > max()) {
            throw doesNotFit(p.getText(), range());
          }
          if (count == longs.length) {
            longs = Arrays.copyOf(longs, grow());
          }
          longs[count++] = v;
        }
        case STRING -> {
          if (t != JsonToken.VALUE_STRING) {
            throw notA(p, "string");
          }
          if (count == strings.length) {
            strings = Arrays.copyOf(strings, grow());
          }
          strings[count++] = p.getText();
        }
        default -> {
          boolean v;
          if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            v = t == JsonToken.VALUE_TRUE;
          } else if (t == JsonToken.VALUE_NUMBER_INT
              && (p.getText().equals("0") || p.getText().equals("1"))) {
            v = p.getText().equals("1");
          } else {
            throw notA(p, "boolean (true, false, 1 or 0)");
          }
          if (count == bools.length) {
            bools = Arrays.copyOf(bools, grow());
          }
          bools[count++] = v;
        }
      }
    }

    private int grow() {
      return (int) Math.min(MAX_VALUES, 2L * count);
    }

    private long min() {
      return switch (type) {
        case "int8" -> Byte.MIN_VALUE;
        case "int16" -> Short.MIN_VALUE;
        case "int32" -> Integer.MIN_VALUE;
        case "uint8" -> 0;
        default -> Long.MIN_VALUE;
      };
    }

    private long max() {
      return switch (type) {
        case "int8" -> Byte.MAX_VALUE;
        case "int16" -> Short.MAX_VALUE;
        case "int32" -> Integer.MAX_VALUE;
        case "uint8" -> 255;
        default -> Long.MAX_VALUE;
      };
    }

    private String range() {
      return "(" + min() + " to " + max() + ")";
    }

    /** Where the current value is: nested index and flat (row-major) index. */
    private String at() {
      return (path.isEmpty() ? "" : index(path)) + " (flat index " + count + ")";
    }

    private OnnxModelException doesNotFit(String value, String why) {
      return bad(
          "input '"
              + name
              + "'"
              + at()
              + " is "
              + value
              + ", which does not fit "
              + type
              + " "
              + why);
    }

    private OnnxModelException notA(JsonParser p, String what) throws IOException {
      return bad(
          "input '"
              + name
              + "'"
              + (path.isEmpty() ? "" : index(path))
              + " is "
              + describe(p)
              + ", not a "
              + what
              + " (input type "
              + type
              + ")");
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
      case "float":
        return f.numberNode(((float[]) t.data())[i]);
      case "double":
        return f.numberNode(((double[]) t.data())[i]);
      case "float16":
        return f.numberNode((float) t.get(i));
      case "bool":
        return f.booleanNode(((boolean[]) t.data())[i]);
      case "int64":
        return f.numberNode(((long[]) t.data())[i]); // exact: never through a double
      case "string":
        return f.textNode(((String[]) t.data())[i]);
      default:
        return f.numberNode((long) t.get(i));
    }
  }

  static String shape(long[] shape) {
    return Arrays.toString(shape);
  }

  private static OnnxModelException bad(String message) {
    return new OnnxModelException(Reason.BAD_INPUT, message);
  }
}
