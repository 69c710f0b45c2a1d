package dev.cairn.core.spec;

import dev.cairn.spi.SpecException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.OptionalLong;

/**
 * Exact integer reads of spec values. YAML and JSON give {@code Integer}, {@code Long}, {@code
 * BigInteger} or {@code Double} for a number; a value is an integer only when it is one exactly and
 * fits a {@code long}: {@code 1e30} or {@code 99999999999999999999999} are errors, never {@code
 * Long.MAX_VALUE} or a wrapped-around {@code int}.
 */
public final class SpecNumbers {
  /** 2^63 as a double: the first double above every long. */
  private static final double TWO_63 = 9.223372036854775808E18;

  private SpecNumbers() {}

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

  /**
   * {@code v} as an integer in {@code [min, max]}, {@code dflt} when absent; anything else is a
   * {@link SpecException} on {@code field} naming the allowed range.
   */
  public static long integer(String field, Object v, long dflt, long min, long max) {
    if (v == null) {
      return dflt;
    }
    OptionalLong value = exactLong(v);
    if (value.isEmpty() || value.getAsLong() < min || value.getAsLong() > max) {
      throw new SpecException(
          field, SpecParser.describe(v) + " is not allowed; expected " + range(min, max));
    }
    return value.getAsLong();
  }

  /** {@link #integer} for values that must fit an {@code int}. */
  public static int intValue(String field, Object v, int dflt, int min, int max) {
    return (int) integer(field, v, dflt, min, max);
  }

  /** "an integer >= 1 and <= 2147483647", the words every range error uses. */
  public static String range(long min, long max) {
    return "an integer >= " + min + " and <= " + max;
  }
}
