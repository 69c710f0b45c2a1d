package dev.cairn.server.mlflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * MLflow's search grammar, written for Cairn: a filter is comparisons joined by {@code AND}, each
 * {@code entity.key OP value} where entity is metrics / params / tags / attributes (or one of
 * MLflow's aliases; a bare key is an attribute), keys may be quoted with backticks or double
 * quotes, OP is one of {@code = != < <= > >= LIKE ILIKE IN NOT IN}, and a value is a number, a
 * quoted string or a parenthesised list of quoted strings. {@code order_by} entries are {@code
 * entity.key [ASC|DESC]}.
 */
final class Filters {
  static final String METRIC = "metric";
  static final String PARAM = "parameter";
  static final String TAG = "tag";
  static final String ATTRIBUTE = "attribute";
  static final String DATASET = "dataset";
  private static final Map<String, String> ENTITIES =
      Map.ofEntries(
          Map.entry("metric", METRIC),
          Map.entry("metrics", METRIC),
          Map.entry("parameter", PARAM),
          Map.entry("parameters", PARAM),
          Map.entry("param", PARAM),
          Map.entry("params", PARAM),
          Map.entry("tag", TAG),
          Map.entry("tags", TAG),
          Map.entry("attribute", ATTRIBUTE),
          Map.entry("attributes", ATTRIBUTE),
          Map.entry("attr", ATTRIBUTE),
          Map.entry("run", ATTRIBUTE),
          Map.entry("dataset", DATASET),
          Map.entry("datasets", DATASET));
  static final List<String> NUMERIC_OPS = List.of("=", "!=", "<", "<=", ">", ">=");
  static final List<String> STRING_OPS = List.of("=", "!=", "LIKE", "ILIKE", "IN", "NOT IN");

  /** One comparison; {@code value} is a Double, a String or a List of Strings. */
  record Clause(String type, String key, String op, Object value) {}

  /** One order_by entry. */
  record Order(String type, String key, boolean ascending) {}

  private final String text;
  private int pos;

  private Filters(String text) {
    this.text = text;
  }

  static List<Clause> parse(String filter) {
    List<Clause> out = new ArrayList<>();
    if (filter == null || filter.isBlank()) {
      return out;
    }
    Filters p = new Filters(filter);
    while (true) {
      p.skipSpace();
      String[] id = p.identifier();
      p.skipSpace();
      String op = p.operator();
      p.skipSpace();
      Object value = p.value();
      out.add(new Clause(id[0], id[1], op, value));
      p.skipSpace();
      if (p.pos >= p.text.length()) {
        return out;
      }
      String word = p.word();
      if (word.equalsIgnoreCase("OR")) {
        throw p.error("OR is not supported; join comparisons with AND");
      }
      if (!word.equalsIgnoreCase("AND")) {
        throw p.error("expected AND after a comparison, found '" + word + "'");
      }
    }
  }

  static List<Order> orderBy(List<String> entries) {
    List<Order> out = new ArrayList<>();
    for (String entry : entries) {
      Filters p = new Filters(entry);
      p.skipSpace();
      String[] id = p.identifier();
      p.skipSpace();
      boolean ascending = true;
      if (p.pos < p.text.length()) {
        String dir = p.word();
        if (dir.equalsIgnoreCase("DESC")) {
          ascending = false;
        } else if (!dir.equalsIgnoreCase("ASC")) {
          throw MlflowException.invalid(
              "Invalid order_by clause '"
                  + entry
                  + "': the direction is ASC or DESC, got '"
                  + dir
                  + "'");
        }
        p.skipSpace();
        if (p.pos < p.text.length()) {
          throw MlflowException.invalid(
              "Invalid order_by clause '" + entry + "': expected 'entity.key [ASC|DESC]'");
        }
      }
      out.add(new Order(id[0], id[1], ascending));
    }
    return out;
  }

  /**
   * Whether {@code actual} (a Double, a String, or null when the entity has no such key) satisfies
   * the clause.
   */
  static boolean matches(Clause c, Object actual) {
    if (actual == null) {
      return false;
    }
    Object v = c.value();
    if (v instanceof Double expected) {
      double a = actual instanceof Double d ? d : parseOrNaN(actual.toString());
      return switch (c.op()) {
        case "=" -> a == expected;
        case "!=" -> a != expected;
        case "<" -> a < expected;
        case "<=" -> a <= expected;
        case ">" -> a > expected;
        case ">=" -> a >= expected;
        default -> false;
      };
    }
    String a = actual instanceof Double d ? numberText(d) : actual.toString();
    if (v instanceof List<?> list) {
      boolean in = list.contains(a);
      return c.op().equals("IN") == in;
    }
    String expected = (String) v;
    return switch (c.op()) {
      case "=" -> a.equals(expected);
      case "!=" -> !a.equals(expected);
      case "LIKE" -> like(expected, false).matcher(a).matches();
      case "ILIKE" -> like(expected, true).matcher(a).matches();
      case "<" -> a.compareTo(expected) < 0;
      case "<=" -> a.compareTo(expected) <= 0;
      case ">" -> a.compareTo(expected) > 0;
      case ">=" -> a.compareTo(expected) >= 0;
      default -> false;
    };
  }

  /**
   * Checks a clause against what its entity allows: numbers for metrics, quoted strings for params
   * and tags.
   */
  static void check(Clause c, boolean numeric) {
    if (numeric) {
      if (!(c.value() instanceof Double)) {
        throw MlflowException.invalid(
            "Expected a numeric value for "
                + c.type()
                + " '"
                + c.key()
                + "', got "
                + describe(c.value()));
      }
      if (!NUMERIC_OPS.contains(c.op())) {
        throw MlflowException.invalid(
            "Invalid comparator '"
                + c.op()
                + "' for "
                + c.type()
                + " '"
                + c.key()
                + "'; allowed: "
                + NUMERIC_OPS);
      }
    } else {
      if (c.value() instanceof Double) {
        throw MlflowException.invalid(
            "Expected a quoted string value for "
                + c.type()
                + " '"
                + c.key()
                + "' (e.g. 'my-value'), got "
                + describe(c.value()));
      }
      if (!STRING_OPS.contains(c.op())) {
        throw MlflowException.invalid(
            "Invalid comparator '"
                + c.op()
                + "' for "
                + c.type()
                + " '"
                + c.key()
                + "'; allowed: "
                + STRING_OPS);
      }
      if ((c.value() instanceof List) != (c.op().equals("IN") || c.op().equals("NOT IN"))) {
        throw MlflowException.invalid(
            "'"
                + c.op()
                + "' for "
                + c.type()
                + " '"
                + c.key()
                + "' takes "
                + (c.value() instanceof List
                    ? "a single quoted string"
                    : "a list of quoted strings, e.g. ('a', 'b')"));
      }
    }
  }

  private static String describe(Object v) {
    return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
  }

  static String numberText(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  private static double parseOrNaN(String s) {
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  static Pattern like(String pattern, boolean ignoreCase) {
    StringBuilder re = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char ch : pattern.toCharArray()) {
      if (ch == '%' || ch == '_') {
        if (literal.length() > 0) {
          re.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        re.append(ch == '%' ? ".*" : ".");
      } else {
        literal.append(ch);
      }
    }
    if (literal.length() > 0) {
      re.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(
        re.toString(),
        Pattern.DOTALL | (ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0));
  }

  // ---- the scanner

  private MlflowException error(String what) {
    return MlflowException.invalid(
        "Invalid filter '" + text + "' at position " + pos + ": " + what);
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private static boolean plain(char c) {
    return !Character.isWhitespace(c) && "=!<>()',\"`".indexOf(c) < 0;
  }

  private String word() {
    int start = pos;
    while (pos < text.length() && plain(text.charAt(pos))) {
      pos++;
    }
    return text.substring(start, pos);
  }

  private String quoted() {
    char q = text.charAt(pos);
    int end = text.indexOf(q, pos + 1);
    if (end < 0) {
      throw error("unterminated " + (q == '`' ? "backtick" : "quote"));
    }
    String s = text.substring(pos + 1, end);
    pos = end + 1;
    return s;
  }

  /** {type, key}: {@code entity.key}, either part quoted; a key alone is an attribute. */
  private String[] identifier() {
    if (pos >= text.length()) {
      throw error("expected 'entity.key', e.g. metrics.accuracy");
    }
    String first;
    boolean quotedFirst = false;
    char c = text.charAt(pos);
    if (c == '`' || c == '"') {
      first = quoted();
      quotedFirst = true;
    } else {
      int start = pos;
      while (pos < text.length() && plain(text.charAt(pos)) && text.charAt(pos) != '.') {
        pos++;
      }
      first = text.substring(start, pos);
    }
    if (first.isEmpty()) {
      throw error("expected 'entity.key', e.g. metrics.accuracy or params.lr");
    }
    if (pos < text.length() && text.charAt(pos) == '.') {
      pos++;
      String type = ENTITIES.get(first);
      if (type == null) {
        throw MlflowException.invalid(
            "Invalid entity type '"
                + first
                + "'. Valid values are [metric, parameter, tag, attribute, dataset]");
      }
      String key;
      if (pos < text.length() && (text.charAt(pos) == '`' || text.charAt(pos) == '"')) {
        key = quoted();
      } else {
        key = word();
      }
      if (key.isEmpty()) {
        throw error("expected a key after '" + first + ".'");
      }
      return new String[] {type, key};
    }
    if (!quotedFirst && ENTITIES.containsKey(first)) {
      throw error("expected '" + first + ".<key>'");
    }
    return new String[] {ATTRIBUTE, first};
  }

  private String operator() {
    if (pos >= text.length()) {
      throw error("expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN)");
    }
    for (String op : List.of("!=", "<=", ">=", "=", "<", ">")) {
      if (text.startsWith(op, pos)) {
        pos += op.length();
        return op;
      }
    }
    String w = word().toUpperCase(Locale.ROOT);
    if (w.equals("NOT")) {
      skipSpace();
      String in = word().toUpperCase(Locale.ROOT);
      if (in.equals("IN")) {
        return "NOT IN";
      }
      throw error("expected IN after NOT");
    }
    if (w.equals("LIKE") || w.equals("ILIKE") || w.equals("IN")) {
      return w;
    }
    throw error(
        "expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN), found '" + w + "'");
  }

  private Object value() {
    if (pos >= text.length()) {
      throw error("expected a value");
    }
    char c = text.charAt(pos);
    if (c == '\'' || c == '"') {
      return quoted();
    }
    if (c == '(') {
      pos++;
      List<String> items = new ArrayList<>();
      while (true) {
        skipSpace();
        if (pos < text.length() && (text.charAt(pos) == '\'' || text.charAt(pos) == '"')) {
          items.add(quoted());
        } else {
          throw error("a list holds quoted strings, e.g. ('a', 'b')");
        }
        skipSpace();
        if (pos < text.length() && text.charAt(pos) == ',') {
          pos++;
        } else if (pos < text.length() && text.charAt(pos) == ')') {
          pos++;
          return items;
        } else {
          throw error("expected ',' or ')' in a list");
        }
      }
    }
    String w = word();
    try {
      return Double.parseDouble(w);
    } catch (NumberFormatException e) {
      throw error("expected a number, a quoted string or a list, found '" + w + "'");
    }
  }
}
