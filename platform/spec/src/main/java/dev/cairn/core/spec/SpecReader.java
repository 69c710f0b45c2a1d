package dev.cairn.core.spec;

import dev.cairn.spi.SpecException;
import dev.cairn.spi.Suggest;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Typed reads of values parsed from YAML (or JSON), shared by the experiment spec's parser and the
 * sweep parser. Each read takes the value's field path ({@code dataset.batchSize}, {@code
 * parameters.optimizer.lr.min}) and fails with one {@link SpecException} on that path saying what
 * the value is and what is allowed instead; a null value is absent and gives the default.
 *
 * <p>Integers are exact: YAML and JSON give {@code Integer}, {@code Long}, {@code BigInteger} or
 * {@code Double} for a number, and a value is an integer only when it is one exactly and fits a
 * {@code long}, so {@code 1e30} or {@code 99999999999999999999999} are errors, never {@code
 * Long.MAX_VALUE} or a wrapped-around {@code int}.
 */
public final class SpecReader {
  /** 2^63 as a double: the first double above every long. */
  private static final double TWO_63 = 9.223372036854775808E18;

  private SpecReader() {}

  /** How an error quotes a value: {@code 'text'}, {@code a section}, {@code a list}, or as is. */
  public static String describe(Object v) {
    if (v instanceof String s) {
      return "'" + s + "'";
    }
    if (v instanceof Map) {
      return "a section";
    }
    if (v instanceof List) {
      return "a list";
    }
    return String.valueOf(v);
  }

  /** A number as an error writes it: {@code 3}, not {@code 3.0}. */
  public static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /** The error for an unknown {@code key} at {@code field}, with the closest allowed key. */
  public static SpecException unknownField(String field, String key, List<String> allowed) {
    String hint = Suggest.closest(key, allowed).map(s -> "did you mean '" + s + "'? ").orElse("");
    return new SpecException(
        field, "unknown field; " + hint + "allowed: " + String.join(", ", allowed));
  }

  /**
   * The keys of {@code section} (at {@code field}; "" for the top level) must be among {@code
   * allowed}.
   */
  public static void onlyKeys(String field, Map<String, Object> section, List<String> allowed) {
    for (String key : section.keySet()) {
      if (!allowed.contains(key)) {
        throw unknownField(field.isEmpty() ? key : field + "." + key, key, allowed);
      }
    }
  }

  /** A section (key: value lines) that is there. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> section(String field, Object value) {
    if (!(value instanceof Map)) {
      throw new SpecException(
          field, describe(value) + " is not allowed; expected a section (key: value lines)");
    }
    return (Map<String, Object>) value;
  }

  /**
   * A modifiable copy of a section; when absent, "missing" if {@code required}, else an empty one.
   */
  public static Map<String, Object> section(String field, Object value, boolean required) {
    if (value == null) {
      if (required) {
        throw new SpecException(field, "missing");
      }
      return new LinkedHashMap<>();
    }
    return new LinkedHashMap<>(section(field, value));
  }

  /** Text: a string, number or boolean (as written), not a section or list. */
  public static String text(String field, Object value, String dflt) {
    if (value == null) {
      return dflt;
    }
    if (value instanceof Map || value instanceof List) {
      throw new SpecException(field, describe(value) + " is not allowed; expected text");
    }
    return String.valueOf(value);
  }

  /** One of {@code choices}, exactly as written. */
  public static String choice(String field, Object value, String dflt, List<String> choices) {
    String s = text(field, value, dflt);
    if (!choices.contains(s)) {
      String hint = Suggest.closest(s, choices).map(c -> " (did you mean '" + c + "'?)").orElse("");
      throw new SpecException(
          field, "'" + s + "' is not allowed" + hint + "; one of: " + String.join(", ", choices));
    }
    return s;
  }

  /**
   * A constant of {@code type}, written in any case ({@code gpu}, {@code GPU}); when absent, {@code
   * dflt}, or "missing" when that is null. Errors list the constants in lower case.
   */
  public static <E extends Enum<E>> E oneOf(String field, Object value, Class<E> type, E dflt) {
    String allowed =
        Stream.of(type.getEnumConstants())
            .map(e -> e.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(", "));
    if (value == null) {
      if (dflt == null) {
        throw new SpecException(field, "missing; one of: " + allowed);
      }
      return dflt;
    }
    String name = String.valueOf(value).trim().toUpperCase(Locale.ROOT);
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    throw new SpecException(field, "'" + value + "' is not allowed; one of: " + allowed);
  }

  public static boolean bool(String field, Object value, boolean dflt) {
    if (value == null) {
      return dflt;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw new SpecException(field, describe(value) + " is not allowed; expected true or false");
  }

  /** The exact long value of {@code v}, or empty when it is not an integer that fits a long. */
  public static OptionalLong exactLong(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return OptionalLong.of(((Number) v).longValue());
    }
    if (v instanceof BigInteger b) {
      return b.bitLength() < 64 ? OptionalLong.of(b.longValue()) : OptionalLong.empty();
    }
    if (v instanceof BigDecimal d) {
      try {
        return OptionalLong.of(d.longValueExact());
      } catch (ArithmeticException e) {
        return OptionalLong.empty();
      }
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isFinite(d) && d == Math.rint(d) && d >= -TWO_63 && d < TWO_63) {
        return OptionalLong.of((long) d);
      }
    }
    return OptionalLong.empty();
  }

  /** An integer in {@code [min, max]}; the error names the range. */
  public static long integer(String field, Object value, long dflt, long min, long max) {
    if (value == null) {
      return dflt;
    }
    OptionalLong v = exactLong(value);
    if (v.isEmpty() || v.getAsLong() < min || v.getAsLong() > max) {
      throw new SpecException(
          field, describe(value) + " is not allowed; expected " + range(min, max));
    }
    return v.getAsLong();
  }

  /** {@link #integer} for values that must fit an {@code int}. */
  public static int intValue(String field, Object value, int dflt, int min, int max) {
    return (int) integer(field, value, dflt, min, max);
  }

  /** An {@code int} of at least {@code min}. */
  public static int intAtLeast(String field, Object value, int dflt, int min) {
    return intValue(field, value, dflt, min, Integer.MAX_VALUE);
  }

  /** "an integer >= 1 and <= 2147483647", the words every range error uses. */
  public static String range(long min, long max) {
    return "an integer >= " + min + " and <= " + max;
  }

  /** A finite number that is there: "missing" or "... is not allowed; expected a number". */
  public static double number(String field, Object value) {
    if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    throw new SpecException(
        field,
        (value == null ? "missing" : describe(value) + " is not allowed") + "; expected a number");
  }

  /** A finite number, {@code dflt} when absent. */
  public static double number(String field, Object value, double dflt) {
    return value == null ? dflt : number(field, value);
  }

  /** A number in [min, max), or in (min, max) when {@code openMin}; the error names the range. */
  public static double number(
      String field, Object value, double dflt, double min, boolean openMin, double max) {
    if (value == null) {
      return dflt;
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isFinite(d) && (openMin ? d > min : d >= min) && d < max) {
        return d;
      }
    }
    throw new SpecException(
        field,
        describe(value)
            + " is not allowed; expected a number "
            + (openMin ? "> " : ">= ")
            + fmt(min)
            + (Double.isInfinite(max) ? "" : " and < " + fmt(max)));
  }

  /** A list that is there; the error says what it is instead and {@code expected}. */
  public static List<?> list(String field, Object value, String expected) {
    if (!(value instanceof List<?> list)) {
      throw new SpecException(field, describe(value) + " is not allowed; expected " + expected);
    }
    return list;
  }
}
