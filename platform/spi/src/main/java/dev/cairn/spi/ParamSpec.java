package dev.cairn.spi;

import java.util.List;
import java.util.Objects;

/**
 * One parameter of an extension: its name, type, default and the values it allows. Instances are
 * immutable; the {@code with*} methods return copies.
 *
 * @param name key in the spec section
 * @param type value type
 * @param defaultValue value used when the spec omits the key; {@code null} means required
 * @param description one line for {@code cairn plugins}
 * @param min lower bound for numbers (and for every element of a number list), or null
 * @param minExclusive whether {@code min} itself is excluded
 * @param max upper bound, or null
 * @param maxExclusive whether {@code max} itself is excluded
 * @param choices allowed values of a {@link ParamType#CHOICE}
 */
public record ParamSpec(
    String name,
    ParamType type,
    Object defaultValue,
    String description,
    Double min,
    boolean minExclusive,
    Double max,
    boolean maxExclusive,
    List<String> choices) {

  public ParamSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    description = description == null ? "" : description;
    choices = choices == null ? List.of() : List.copyOf(choices);
    if (type == ParamType.CHOICE && choices.isEmpty()) {
      throw new IllegalArgumentException("choice parameter '" + name + "' needs its choices");
    }
    if (min != null && max != null && min > max) {
      throw new IllegalArgumentException("parameter '" + name + "': min " + min + " > max " + max);
    }
  }

  public static ParamSpec ofInt(String name, Integer defaultValue, String description) {
    return new ParamSpec(
        name, ParamType.INT, defaultValue, description, null, false, null, false, null);
  }

  public static ParamSpec ofDouble(String name, Double defaultValue, String description) {
    return new ParamSpec(
        name, ParamType.DOUBLE, defaultValue, description, null, false, null, false, null);
  }

  public static ParamSpec ofBoolean(String name, Boolean defaultValue, String description) {
    return new ParamSpec(
        name, ParamType.BOOLEAN, defaultValue, description, null, false, null, false, null);
  }

  public static ParamSpec ofString(String name, String defaultValue, String description) {
    return new ParamSpec(
        name, ParamType.STRING, defaultValue, description, null, false, null, false, null);
  }

  /**
   * A file or folder the plugin reads, given as text ({@code params.getString(name)}). Declare
   * every path this way: a server refuses paths outside its data roots only for parameters it knows
   * are paths.
   */
  public static ParamSpec ofPath(String name, String defaultValue, String description) {
    return new ParamSpec(
        name, ParamType.PATH, defaultValue, description, null, false, null, false, null);
  }

  public static ParamSpec ofChoice(
      String name, String defaultValue, List<String> choices, String description) {
    return new ParamSpec(
        name, ParamType.CHOICE, defaultValue, description, null, false, null, false, choices);
  }

  public static ParamSpec ofIntList(String name, List<Integer> defaultValue, String description) {
    return new ParamSpec(
        name,
        ParamType.INT_LIST,
        defaultValue == null ? null : List.copyOf(defaultValue),
        description,
        null,
        false,
        null,
        false,
        null);
  }

  public static ParamSpec ofDoubleList(String name, List<Double> defaultValue, String description) {
    return new ParamSpec(
        name,
        ParamType.DOUBLE_LIST,
        defaultValue == null ? null : List.copyOf(defaultValue),
        description,
        null,
        false,
        null,
        false,
        null);
  }

  /** Values must be {@code >= min}. */
  public ParamSpec atLeast(double min) {
    return new ParamSpec(
        name, type, defaultValue, description, min, false, max, maxExclusive, choices);
  }

  /** Values must be {@code > min}. */
  public ParamSpec greaterThan(double min) {
    return new ParamSpec(
        name, type, defaultValue, description, min, true, max, maxExclusive, choices);
  }

  /** Values must be {@code <= max}. */
  public ParamSpec atMost(double max) {
    return new ParamSpec(
        name, type, defaultValue, description, min, minExclusive, max, false, choices);
  }

  /** Values must be {@code < max}. */
  public ParamSpec lessThan(double max) {
    return new ParamSpec(
        name, type, defaultValue, description, min, minExclusive, max, true, choices);
  }

  public boolean required() {
    return defaultValue == null;
  }

  /** What values are allowed, in words: "a number > 0", "one of: relu, tanh". */
  public String allowed() {
    if (type == ParamType.CHOICE) {
      return "one of: " + String.join(", ", choices);
    }
    StringBuilder s = new StringBuilder(article(type.label())).append(' ').append(type.label());
    if (min != null) {
      s.append(minExclusive ? " > " : " >= ").append(format(min));
    }
    if (max != null) {
      s.append(min != null ? " and" : "").append(maxExclusive ? " < " : " <= ").append(format(max));
    }
    return s.toString();
  }

  private static String article(String label) {
    return label.startsWith("list") ? "a" : label.startsWith("i") ? "an" : "a";
  }

  static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
