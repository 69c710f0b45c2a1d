package dev.cairn.spi;

import java.util.ArrayList;
import java.util.List;

/** Converts one raw spec value (from YAML or JSON) to the Java type of its {@link ParamSpec}. */
final class ParamCoercion {
  private ParamCoercion() {}

  static Object coerce(String field, ParamSpec spec, Object value) {
    switch (spec.type()) {
      case INT:
        return checkRange(field, spec, toInt(field, spec, value), value);
      case DOUBLE:
        return checkRange(field, spec, toDouble(field, spec, value), value);
      case BOOLEAN:
        if (value instanceof Boolean b) {
          return b;
        }
        throw bad(field, spec, value);
      case STRING:
      case PATH:
        if (value instanceof String s) {
          return s;
        }
        if (value instanceof Number || value instanceof Boolean) {
          return value.toString();
        }
        throw bad(field, spec, value);
      case CHOICE:
        String choice = String.valueOf(value);
        if (!spec.choices().contains(choice)) {
          String hint =
              Suggest.closest(choice, spec.choices())
                  .map(c -> " (did you mean '" + c + "'?)")
                  .orElse("");
          throw new SpecException(
              field, quote(value) + " is not allowed" + hint + "; " + spec.allowed());
        }
        return choice;
      case INT_LIST:
        List<Integer> ints = new ArrayList<>();
        for (Object o : asList(field, spec, value)) {
          ints.add(checkRange(field, spec, toInt(field, spec, o), o));
        }
        return List.copyOf(ints);
      case DOUBLE_LIST:
        List<Double> doubles = new ArrayList<>();
        for (Object o : asList(field, spec, value)) {
          doubles.add(checkRange(field, spec, toDouble(field, spec, o), o));
        }
        return List.copyOf(doubles);
      default:
        throw new IllegalStateException(spec.type().toString());
    }
  }

  private static List<?> asList(String field, ParamSpec spec, Object value) {
    if (value instanceof List<?> l) {
      return l;
    }
    if (value instanceof Number) {
      return List.of(value);
    }
    throw bad(field, spec, value);
  }

  private static Integer toInt(String field, ParamSpec spec, Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      long l = ((Number) value).longValue();
      if (l == (int) l) {
        return (int) l;
      }
    }
    if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < Integer.MAX_VALUE) {
      return d.intValue();
    }
    if (value instanceof Number n
        && !(value instanceof Double d && (d != Math.rint(d) || d.isNaN()))) {
      // an integer, but not one that fits 32 bits: say so rather than wrap it around
      String allowed = spec.allowed();
      if (spec.max() == null) {
        allowed +=
            (spec.min() == null ? " >= " + Integer.MIN_VALUE : "") + " and <= " + Integer.MAX_VALUE;
      }
      throw new SpecException(field, quote(value) + " is not allowed; expected " + allowed);
    }
    throw bad(field, spec, value);
  }

  private static Double toDouble(String field, ParamSpec spec, Object value) {
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isFinite(d)) {
        return d;
      }
    }
    if (value instanceof String s) {
      try {
        double d = Double.parseDouble(s.trim());
        if (Double.isFinite(d)) {
          return d;
        }
      } catch (NumberFormatException ignored) {
        // fall through to the error below
      }
    }
    throw bad(field, spec, value);
  }

  /**
   * Range check; the message quotes the value as the spec wrote it ({@code 0}, not {@code 0.0}).
   */
  private static <T extends Number> T checkRange(
      String field, ParamSpec spec, T value, Object raw) {
    double v = value.doubleValue();
    boolean tooLow = spec.min() != null && (spec.minExclusive() ? v <= spec.min() : v < spec.min());
    boolean tooHigh =
        spec.max() != null && (spec.maxExclusive() ? v >= spec.max() : v > spec.max());
    if (tooLow || tooHigh) {
      throw new SpecException(field, quote(raw) + " is not allowed; expected " + spec.allowed());
    }
    return value;
  }

  private static SpecException bad(String field, ParamSpec spec, Object value) {
    return new SpecException(field, quote(value) + " is not allowed; expected " + spec.allowed());
  }

  static String quote(Object value) {
    return value instanceof String ? "'" + value + "'" : String.valueOf(value);
  }
}
