package dev.cairn.server.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The runs filter of the dashboard, on the server: the same language as tracker-ui/src/filter.ts.
 * Clauses are joined by {@code and} / {@code &&}. A clause {@code key op value} compares a param, a
 * final metric or a run field (op: {@code < <= > >= = == != ~}); {@code key} may be a suffix of a
 * param name ({@code lr} for {@code optimizer.lr}) and may start with {@code params.} or {@code
 * metrics.}. A clause without an operator is a case-insensitive regex over name, experiment, id,
 * status, owner and tags.
 */
final class RunFilter {
  private static final Pattern CLAUSE =
      Pattern.compile(
          "^(\"[^\"]+\"|'[^']+'|[A-Za-z0-9_./\\-\\[\\]:]+)\\s*(<=|>=|!=|==|=|<|>|~)\\s*(.+)$");

  /** What JavaScript's Number() reads as a finite decimal; compiled once, used per run and key. */
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private static final Pattern AND =
      Pattern.compile("\\s+and\\s+|\\s*&&\\s*", Pattern.CASE_INSENSITIVE);

  /** What a filter sees of a run. */
  interface Subject {
    Map<String, String> params();

    Map<String, Double> metrics();

    /**
     * name, experiment, status, device, id, duration, tags, notes, seed, owner; null when absent
     */
    Object field(String key);

    /** name, experiment, id, status, owner and tags: what a bare regex is matched against */
    List<String> text();

    /** {@link RunFilter#number(String)} of one of this run's values; a summary may know it. */
    default double numberOf(String value) {
      return number(value);
    }
  }

  private RunFilter() {}

  /**
   * Parses a filter.
   *
   * @throws IllegalArgumentException naming the clause that is not valid
   */
  static Predicate<Subject> parse(String text) {
    String trimmed = text == null ? "" : text.trim();
    if (trimmed.isEmpty()) {
      return s -> true;
    }
    List<Predicate<Subject>> clauses = new ArrayList<>();
    for (String part : AND.split(trimmed)) {
      if (!part.isBlank()) {
        clauses.add(clause(part.trim()));
      }
    }
    if (clauses.size() == 1) {
      return clauses.get(0);
    }
    return s -> {
      for (Predicate<Subject> c : clauses) {
        if (!c.test(s)) {
          return false;
        }
      }
      return true;
    };
  }

  private static Pattern regex(String re) {
    try {
      return Pattern.compile(re, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("'" + re + "' is not a valid regular expression");
    }
  }

  private static Predicate<Subject> clause(String text) {
    Matcher m = CLAUSE.matcher(text);
    if (!m.matches()) {
      Pattern re = regex(text);
      return s -> s.text().stream().anyMatch(t -> t != null && re.matcher(t).find());
    }
    String key = unquote(m.group(1));
    String op = m.group(2);
    String raw = unquote(m.group(3).trim());
    Pattern re = op.equals("~") ? regex(raw) : null;
    double num = number(raw);
    return s -> {
      Object v = lookup(s, key);
      if (v == Absent.VALUE) {
        return false;
      }
      if (re != null) {
        return v != null && re.matcher(string(v)).find();
      }
      double n =
          v instanceof Number x
              ? x.doubleValue()
              : v == null ? Double.NaN : s.numberOf(v.toString());
      return compare(v, n, op, raw, num);
    };
  }

  private enum Absent {
    VALUE
  }

  private static String unquote(String s) {
    return s.replaceAll("^[\"']|[\"']$", "");
  }

  /** JavaScript's Number(s) for the cases that matter: NaN when not a number. */
  static double number(String s) {
    String t = s.trim();
    if (t.isEmpty()) {
      return 0;
    }
    try {
      if (DECIMAL.matcher(t).matches()) {
        return Double.parseDouble(t);
      }
      if (t.equals("Infinity") || t.equals("+Infinity")) {
        return Double.POSITIVE_INFINITY;
      }
      if (t.equals("-Infinity")) {
        return Double.NEGATIVE_INFINITY;
      }
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  private static String string(Object v) {
    if (v instanceof Double d) {
      return d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e21
          ? Long.toString(d.longValue())
          : d.toString();
    }
    return String.valueOf(v);
  }

  /** {@code v} (a run's value, {@code n} its number or NaN) against {@code raw} ({@code num}). */
  private static boolean compare(Object v, double n, String op, String raw, double num) {
    boolean numeric = !raw.isEmpty() && !Double.isNaN(num) && !Double.isNaN(n);
    String s = v == null ? "null" : string(v);
    switch (op) {
      case "=", "==" -> {
        return numeric ? n == num : s.equals(raw);
      }
      case "!=" -> {
        return numeric ? n != num : !s.equals(raw);
      }
      default -> {
        int c = numeric ? Double.compare(n, num) : s.compareTo(raw);
        if (numeric && n == num) {
          c = 0;
        }
        return switch (op) {
          case "<" -> c < 0;
          case "<=" -> c <= 0;
          case ">" -> c > 0;
          default -> c >= 0;
        };
      }
    }
  }

  /** A run's value for a filter or sort key: a String, a Double, null, or {@link Absent#VALUE}. */
  private static Object lookup(Subject s, String key) {
    String scope = null;
    String k = key;
    if (k.startsWith("params.") || k.startsWith("param:")) {
      scope = "params";
      k = k.substring(k.indexOf(k.startsWith("params.") ? '.' : ':') + 1);
    } else if (k.startsWith("metrics.") || k.startsWith("metric:")) {
      scope = "metrics";
      k = k.substring(k.indexOf(k.startsWith("metrics.") ? '.' : ':') + 1);
    }
    if (!"metrics".equals(scope)) {
      Map<String, String> p = s.params();
      if (p.containsKey(k)) {
        return p.get(k);
      }
      String only = suffix(p.keySet(), "." + k);
      if (only != null) {
        return p.get(only);
      }
    }
    if (!"params".equals(scope)) {
      Map<String, Double> m = s.metrics();
      if (m.containsKey(k)) {
        return m.get(k);
      }
      String only = suffix(m.keySet(), "/" + k);
      if (only != null) {
        return m.get(only);
      }
    }
    if (scope == null) {
      switch (k) {
        case "name",
            "experiment",
            "status",
            "device",
            "id",
            "duration",
            "tags",
            "notes",
            "seed",
            "owner" -> {
          return s.field(k);
        }
        default -> {}
      }
    }
    return Absent.VALUE;
  }

  private static String suffix(Iterable<String> keys, String end) {
    String found = null;
    for (String key : keys) {
      if (key.endsWith(end)) {
        if (found != null) {
          return null;
        }
        found = key;
      }
    }
    return found;
  }

  /** The value a sort key gives a run (null when it has none); numbers sort as numbers. */
  static Object sortValue(Subject s, String key) {
    switch (key) {
      case "name", "experiment" -> {
        Object v = s.field(key);
        return v == null ? null : v.toString().toLowerCase(Locale.ROOT);
      }
      case "status", "createdAt", "duration", "device", "owner" -> {
        return s.field(key);
      }
      default -> {}
    }
    if (key.startsWith("param:")) {
      String v = s.params().get(key.substring(6));
      if (v == null) {
        return null;
      }
      double n = number(v);
      return Double.isNaN(n) ? v : (Object) n;
    }
    if (key.startsWith("metric:")) {
      return s.metrics().get(key.substring(7));
    }
    Object v = lookup(s, key);
    return v == Absent.VALUE ? null : v;
  }
}
