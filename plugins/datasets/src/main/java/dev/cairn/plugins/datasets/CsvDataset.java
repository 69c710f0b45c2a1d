package dev.cairn.plugins.datasets;

import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Split;
import dev.cairn.spi.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.pf4j.Extension;

/**
 * Tabular data from CSV files with a header row, as in the notes' house-prices example: numeric
 * columns stay numbers (a missing value becomes the column's mean), categorical columns become one
 * one-hot column per value (plus one for "missing", d2l's {@code dummy_na}), and the {@code target}
 * column is the label: class indices for classification (classes are the distinct values, sorted),
 * the value for regression. Columns are categorical when named in {@code categorical} or when some
 * value is not a number. Means and categories come from the training file, so a test file is
 * encoded the same way. Features have shape {@code [n, encoded columns]}.
 */
@Extension
public class CsvDataset implements DatasetProvider {

  @Override
  public String id() {
    return "csv";
  }

  @Override
  public String description() {
    return "tabular CSV: numeric and categorical (one-hot) columns, a target column";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofPath("file", null, "the training CSV file (header row first)"),
        ParamSpec.ofPath("testFile", "", "a test CSV file with the same columns; empty = none"),
        ParamSpec.ofString("target", "", "the label column; empty = the last column"),
        ParamSpec.ofChoice(
            "task",
            "auto",
            List.of("auto", "classification", "regression"),
            "auto = classification when the target is not numeric or has at most 20 integer"
                + " values"),
        ParamSpec.ofString("categorical", "", "comma-separated columns to one-hot even if numeric"),
        ParamSpec.ofString("ignore", "", "comma-separated columns to leave out (e.g. an id)"),
        ParamSpec.ofString("separator", ",", "field separator, one character"));
  }

  @Override
  public DatasetSplits load(Params params, DatasetContext context) throws IOException {
    String sep = params.getString("separator");
    if (sep.length() != 1) {
      throw new SpecException(
          "dataset.separator", "'" + sep + "' is not allowed; expected one character");
    }
    Table train = Table.read(Path.of(params.getString("file")), sep.charAt(0));
    String targetName =
        params.getString("target").isBlank()
            ? train.header.get(train.header.size() - 1)
            : params.getString("target");
    int target = train.column(targetName, "dataset.target");
    List<String> ignored = names(params.getString("ignore"));
    List<String> forced = names(params.getString("categorical"));
    for (String n : ignored) {
      train.column(n, "dataset.ignore");
    }
    for (String n : forced) {
      train.column(n, "dataset.categorical");
    }
    List<Encoder> encoders = new ArrayList<>();
    for (int c = 0; c < train.header.size(); c++) {
      String name = train.header.get(c);
      if (c == target || ignored.contains(name)) {
        continue;
      }
      boolean categorical = forced.contains(name) || !train.numeric(c);
      encoders.add(categorical ? Encoder.categorical(c, train) : Encoder.numeric(c, train));
    }
    boolean classification = classification(params.getString("task"), train, target);
    List<String> classes = classification ? sortedClasses(train.distinct(target)) : List.of();
    int width = encoders.stream().mapToInt(Encoder::width).sum();
    DatasetInfo info =
        classification
            ? DatasetInfo.classification(new long[] {width}, classes)
            : DatasetInfo.regression(new long[] {width}, new long[] {1});
    if (classification && classes.size() < 2) {
      throw new IOException(
          "csv: target column '"
              + targetName
              + "' has only "
              + classes.size()
              + " distinct value(s); classification needs at least 2");
    }
    Split trainSplit = encode(train, encoders, width, target, classes);
    Split test = null;
    if (!params.getString("testFile").isBlank()) {
      Table testTable = Table.read(Path.of(params.getString("testFile")), sep.charAt(0));
      if (!testTable.header.equals(train.header)) {
        throw new IOException(
            "csv: "
                + params.getString("testFile")
                + " has columns "
                + testTable.header
                + " but "
                + params.getString("file")
                + " has "
                + train.header);
      }
      test = encode(testTable, encoders, width, target, classes);
    }
    return new DatasetSplits(info, trainSplit, null, test);
  }

  private static boolean classification(String task, Table table, int target) {
    if (!task.equals("auto")) {
      return task.equals("classification");
    }
    if (!table.numeric(target)) {
      return true;
    }
    List<String> values = table.distinct(target);
    return values.size() <= 20 && values.stream().allMatch(v -> v.matches("-?\\d+"));
  }

  /** Class values in numeric order when they are numbers (2 before 10), else text order. */
  private static List<String> sortedClasses(List<String> values) {
    if (values.stream().allMatch(Table::isNumber)) {
      return values.stream().sorted(Comparator.comparingDouble(Double::parseDouble)).toList();
    }
    return values;
  }

  private static List<String> names(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static Split encode(
      Table t, List<Encoder> encoders, int width, int target, List<String> classes)
      throws IOException {
    int n = t.rows.size();
    float[] x = new float[n * width];
    float[] y = new float[n];
    for (int r = 0; r < n; r++) {
      String[] row = t.rows.get(r);
      int at = r * width;
      for (Encoder e : encoders) {
        e.write(row[e.column], x, at, t, r);
        at += e.width();
      }
      String label = row[target];
      if (classes.isEmpty()) {
        y[r] = (float) Table.number(label, t.file, r, t.header.get(target));
      } else {
        int k = classes.indexOf(label);
        if (k < 0) {
          throw new IOException(
              "csv: "
                  + t.file
                  + " line "
                  + (r + 2)
                  + ": target value '"
                  + label
                  + "' is not a class of the training file "
                  + classes);
        }
        y[r] = k;
      }
    }
    long[] labelShape = classes.isEmpty() ? new long[] {n, 1} : new long[] {n};
    return new Split(new Tensor(x, new long[] {n, width}), new Tensor(y, labelShape));
  }

  /** Turns one column into one (numeric) or several (one-hot) feature values. */
  private record Encoder(int column, double mean, List<String> categories) {
    static Encoder numeric(int c, Table t) {
      double sum = 0;
      int count = 0;
      for (String[] row : t.rows) {
        if (!row[c].isEmpty()) {
          sum += Double.parseDouble(row[c]);
          count++;
        }
      }
      return new Encoder(c, count == 0 ? 0 : sum / count, null);
    }

    static Encoder categorical(int c, Table t) {
      List<String> values = new ArrayList<>(t.distinct(c));
      values.remove("");
      return new Encoder(c, 0, values);
    }

    /** Categories plus one "missing" column. */
    int width() {
      return categories == null ? 1 : categories.size() + 1;
    }

    void write(String value, float[] out, int at, Table t, int row) throws IOException {
      if (categories == null) {
        out[at] =
            value.isEmpty()
                ? (float) mean
                : (float) Table.number(value, t.file, row, t.header.get(column));
      } else {
        int k = categories.indexOf(value);
        out[at + (k < 0 ? categories.size() : k)] = 1;
      }
    }
  }

  /** A parsed CSV file: header and rows of trimmed fields (quotes removed). */
  private static final class Table {
    final Path file;
    final List<String> header;
    final List<String[]> rows = new ArrayList<>();
    private final Map<Integer, Boolean> numeric = new LinkedHashMap<>();

    private Table(Path file, List<String> header) {
      this.file = file;
      this.header = header;
    }

    static Table read(Path file, char sep) throws IOException {
      if (!Files.isRegularFile(file)) {
        throw new IOException("csv: file " + file + " does not exist");
      }
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      lines.removeIf(String::isBlank);
      if (lines.size() < 2) {
        throw new IOException("csv: " + file + " needs a header row and at least one data row");
      }
      Table t = new Table(file, List.of(split(lines.get(0), sep)));
      for (int i = 1; i < lines.size(); i++) {
        String[] fields = split(lines.get(i), sep);
        if (fields.length != t.header.size()) {
          throw new IOException(
              "csv: "
                  + file
                  + " line "
                  + (i + 1)
                  + " has "
                  + fields.length
                  + " fields but the header has "
                  + t.header.size());
        }
        t.rows.add(fields);
      }
      return t;
    }

    int column(String name, String field) {
      int c = header.indexOf(name);
      if (c < 0) {
        throw new SpecException(
            field,
            "'"
                + name
                + "' is not a column of "
                + file
                + "; columns: "
                + String.join(", ", header));
      }
      return c;
    }

    boolean numeric(int c) {
      return numeric.computeIfAbsent(
          c, k -> rows.stream().map(r -> r[k]).allMatch(v -> v.isEmpty() || isNumber(v)));
    }

    List<String> distinct(int c) {
      TreeSet<String> values = new TreeSet<>();
      rows.forEach(r -> values.add(r[c]));
      return List.copyOf(values);
    }

    static boolean isNumber(String v) {
      try {
        return Double.isFinite(Double.parseDouble(v));
      } catch (NumberFormatException e) {
        return false;
      }
    }

    static double number(String v, Path file, int row, String column) throws IOException {
      if (!isNumber(v)) {
        throw new IOException(
            "csv: "
                + file
                + " line "
                + (row + 2)
                + ": column '"
                + column
                + "' has '"
                + v
                + "', not a number");
      }
      return Double.parseDouble(v);
    }

    /** Splits a line on {@code sep} outside double quotes; "" inside quotes is a quote. */
    static String[] split(String line, char sep) {
      List<String> out = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char ch = line.charAt(i);
        if (quoted) {
          if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else if (ch == '"') {
            quoted = false;
          } else {
            field.append(ch);
          }
        } else if (ch == '"') {
          quoted = true;
        } else if (ch == sep) {
          out.add(field.toString().trim());
          field.setLength(0);
        } else {
          field.append(ch);
        }
      }
      out.add(field.toString().trim());
      return out.toArray(new String[0]);
    }
  }
}
