package dev.cairn.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validated parameter values of one extension, defaults filled in. Built by {@link
 * #validate(String, List, Map)}; every value has the Java type its {@link ParamType} promises
 * (Integer, Double, Boolean, String, List&lt;Integer&gt;, List&lt;Double&gt;).
 */
public final class Params {
  private final Map<String, Object> values;

  private Params(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /**
   * Checks raw spec values against the specs, fills in defaults and converts types.
   *
   * @param section dotted path of the spec section, used in error messages (e.g. {@code model})
   * @throws SpecException naming the first field that is unknown, missing, mistyped or out of range
   */
  public static Params validate(String section, List<ParamSpec> specs, Map<String, ?> raw) {
    Map<String, ParamSpec> byName = new LinkedHashMap<>();
    specs.forEach(s -> byName.put(s.name(), s));
    for (String key : raw.keySet()) {
      if (!byName.containsKey(key)) {
        String known =
            byName.isEmpty()
                ? "this plugin takes no parameters"
                : "allowed: " + String.join(", ", byName.keySet());
        String hint =
            Suggest.closest(key, byName.keySet()).map(k -> "did you mean '" + k + "'? ").orElse("");
        throw new SpecException(join(section, key), "unknown parameter; " + hint + known);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (ParamSpec spec : specs) {
      String field = join(section, spec.name());
      Object value = raw.get(spec.name());
      if (value == null) {
        if (spec.required()) {
          throw new SpecException(field, "missing; expected " + spec.allowed());
        }
        out.put(spec.name(), spec.defaultValue());
      } else {
        out.put(spec.name(), ParamCoercion.coerce(field, spec, value));
      }
    }
    return new Params(out);
  }

  /** Params from already-typed values, for code that builds extensions directly (tests, tools). */
  public static Params of(List<ParamSpec> specs, Map<String, ?> raw) {
    return validate("params", specs, raw);
  }

  static String join(String section, String key) {
    return section == null || section.isEmpty() ? key : section + "." + key;
  }

  public int getInt(String name) {
    return (Integer) require(name);
  }

  public double getDouble(String name) {
    return (Double) require(name);
  }

  public float getFloat(String name) {
    return ((Double) require(name)).floatValue();
  }

  public boolean getBoolean(String name) {
    return (Boolean) require(name);
  }

  public String getString(String name) {
    return (String) require(name);
  }

  @SuppressWarnings("unchecked")
  public List<Integer> getIntList(String name) {
    return (List<Integer>) require(name);
  }

  @SuppressWarnings("unchecked")
  public List<Double> getDoubleList(String name) {
    return (List<Double>) require(name);
  }

  /** Raw value, or null when the parameter is optional and unset. */
  public Object get(String name) {
    if (!values.containsKey(name)) {
      throw new IllegalArgumentException("no parameter '" + name + "'; known: " + values.keySet());
    }
    return values.get(name);
  }

  /** All values in declaration order. */
  public Map<String, Object> asMap() {
    return values;
  }

  private Object require(String name) {
    Object v = get(name);
    if (v == null) {
      throw new IllegalStateException("parameter '" + name + "' has no value");
    }
    return v;
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
