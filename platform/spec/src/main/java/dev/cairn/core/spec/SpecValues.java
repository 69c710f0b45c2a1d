package dev.cairn.core.spec;

import dev.cairn.spi.SpecException;
import dev.cairn.spi.Suggest;
import java.util.List;
import java.util.Map;

/** Typed reads of optional spec values, each error naming the field. */
final class SpecValues {
  private SpecValues() {}

  /** The keys of {@code section} must be among {@code allowed}. */
  static void onlyKeys(String field, Map<String, Object> section, List<String> allowed) {
    for (String key : section.keySet()) {
      if (!allowed.contains(key)) {
        String hint =
            Suggest.closest(key, allowed).map(s -> "did you mean '" + s + "'? ").orElse("");
        throw new SpecException(
            field + "." + key, "unknown field; " + hint + "allowed: " + String.join(", ", allowed));
      }
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> section(String field, Object value) {
    if (!(value instanceof Map)) {
      throw new SpecException(
          field,
          SpecParser.describe(value) + " is not allowed; expected a section (key: value lines)");
    }
    return (Map<String, Object>) value;
  }

  static int integer(String field, Object value, int dflt, int min) {
    return SpecNumbers.intValue(field, value, dflt, min, Integer.MAX_VALUE);
  }

  /** A number in [min, max) or (min, max) when {@code openMin}. */
  static double number(
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
        SpecParser.describe(value)
            + " is not allowed; expected a number "
            + (openMin ? "> " : ">= ")
            + fmt(min)
            + (Double.isInfinite(max) ? "" : " and < " + fmt(max)));
  }

  static boolean bool(String field, Object value, boolean dflt) {
    if (value == null) {
      return dflt;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw new SpecException(
        field, SpecParser.describe(value) + " is not allowed; expected true or false");
  }

  static String text(String field, Object value, String dflt) {
    if (value == null) {
      return dflt;
    }
    if (value instanceof Map || value instanceof List) {
      throw new SpecException(field, SpecParser.describe(value) + " is not allowed; expected text");
    }
    return String.valueOf(value);
  }

  static String choice(String field, Object value, String dflt, List<String> choices) {
    String s = text(field, value, dflt);
    if (!choices.contains(s)) {
      String hint = Suggest.closest(s, choices).map(c -> " (did you mean '" + c + "'?)").orElse("");
      throw new SpecException(
          field, "'" + s + "' is not allowed" + hint + "; one of: " + String.join(", ", choices));
    }
    return s;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
