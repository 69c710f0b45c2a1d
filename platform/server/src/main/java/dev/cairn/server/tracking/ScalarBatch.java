package dev.cairn.server.tracking;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.cairn.core.tracking.ScalarSeries;
import dev.cairn.server.http.ApiException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A scalar batch from the tracking API, parsed by streaming (no tree of boxed numbers) and checked
 * whole before anything is stored:
 *
 * <pre>
 * {"batchId": "b-17", "series": [{"tag": "train/loss", "steps": [0, 1], "values": [0.9, "NaN"],
 *   "wallTimes": [1733300000000, 1733300000100]}]}</pre>
 *
 * Limits: {@value #MAX_POINTS} points and {@value #MAX_SERIES} series per batch, tags of 1 to
 * {@value #MAX_TAG} characters without control characters, steps integers {@code >= 0} strictly
 * increasing within a series, values numbers or the strings NaN / Infinity / -Infinity, wall times
 * milliseconds since 1970 ({@code >= 0}; missing means the time the server received it).
 */
record ScalarBatch(String batchId, List<ScalarSeries> series) {
  static final int MAX_POINTS = 100_000;
  static final int MAX_SERIES = 1_000;
  static final int MAX_TAG = 255;
  static final int MAX_BATCH_ID = 128;
  static final String BINARY_TYPE = "application/x-cairn-scalars";
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  static ScalarBatch parse(String runId, byte[] body) {
    if (body == null || body.length == 0) {
      throw ApiException.badRequest(
          "body is empty; expected {\"batchId\": ..., \"series\": [{\"tag\", \"steps\", \"values\", \"wallTimes\"}]}");
    }
    long received = System.currentTimeMillis();
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw ApiException.badRequest("body must be a JSON object with 'series'");
      }
      String batchId = null;
      List<ScalarSeries> points = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "batchId" -> {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
              throw ApiException.badRequest(
                  "'batchId' must be a string of 1.." + MAX_BATCH_ID + " characters");
            }
            batchId = p.getText();
            if (batchId.isEmpty() || batchId.length() > MAX_BATCH_ID) {
              throw ApiException.badRequest(
                  "'batchId' must be 1.." + MAX_BATCH_ID + " characters, got " + batchId.length());
            }
          }
          case "series" -> points = series(p, runId, received);
          default -> p.skipChildren();
        }
      }
      if (points == null) {
        throw ApiException.badRequest(
            "'series' is required: an array of {tag, steps, values, wallTimes}");
      }
      return new ScalarBatch(batchId, points);
    } catch (IOException e) {
      throw ApiException.badRequest("body is not valid JSON: " + firstLine(e.getMessage()));
    }
  }

  private static List<ScalarSeries> series(JsonParser p, String runId, long received)
      throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw ApiException.badRequest("'series' must be an array of {tag, steps, values, wallTimes}");
    }
    List<ScalarSeries> points = new ArrayList<>();
    int[] total = {0};
    Set<String> tags = new HashSet<>();
    int index = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String where = "series[" + index + "]";
      if (index >= MAX_SERIES) {
        throw ApiException.badRequest("'series': at most " + MAX_SERIES + " series per batch");
      }
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw ApiException.badRequest(where + " must be an object {tag, steps, values, wallTimes}");
      }
      String tag = null;
      long[] steps = null;
      double[] values = null;
      long[] wallTimes = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "tag" -> tag = tag(p, where);
          case "steps" -> steps = longs(p, where + ".steps", total[0]);
          case "wallTimes" -> wallTimes = longs(p, where + ".wallTimes", total[0]);
          case "values" -> values = doubles(p, where + ".values", total[0]);
          default -> p.skipChildren();
        }
      }
      if (tag == null || steps == null || values == null) {
        throw ApiException.badRequest(
            where + " needs 'tag', 'steps' and 'values' (and optionally 'wallTimes')");
      }
      total[0] +=
          addSeries(points, total[0], tags, runId, where, tag, steps, values, wallTimes, received);
      index++;
    }
    return points;
  }

  /** Checks one series whole and appends it; returns its point count. */
  private static int addSeries(
      List<ScalarSeries> points,
      int already,
      Set<String> tags,
      String runId,
      String where,
      String tag,
      long[] steps,
      double[] values,
      long[] wallTimes,
      long received) {
    if (!tags.add(tag)) {
      throw ApiException.badRequest(
          where + ": tag '" + tag + "' appears twice in the batch; send one series per tag");
    }
    if (values.length != steps.length || (wallTimes != null && wallTimes.length != steps.length)) {
      throw ApiException.badRequest(
          where
              + " ('"
              + tag
              + "'): steps, values and wallTimes must have the same length; got "
              + steps.length
              + ", "
              + values.length
              + ", "
              + (wallTimes == null ? "none" : wallTimes.length));
    }
    if (already + (long) steps.length > MAX_POINTS) {
      throw ApiException.badRequest(
          "'series': at most " + MAX_POINTS + " points per batch; split the batch");
    }
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] < 0) {
        throw ApiException.badRequest(
            where + ".steps[" + i + "] is " + steps[i] + "; steps are >= 0");
      }
      if (i > 0 && steps[i] <= steps[i - 1]) {
        throw ApiException.badRequest(
            where
                + ".steps["
                + i
                + "] is "
                + steps[i]
                + " after "
                + steps[i - 1]
                + "; steps of a series must increase within a batch");
      }
      long wall = wallTimes == null ? received : wallTimes[i];
      if (wall < 0) {
        throw ApiException.badRequest(
            where
                + ".wallTimes["
                + i
                + "] is "
                + wall
                + "; wall times are milliseconds since 1970, >= 0");
      }
    }
    if (steps.length == 0) {
      return 0;
    }
    if (wallTimes == null) {
      wallTimes = new long[steps.length];
      Arrays.fill(wallTimes, received);
    }
    points.add(new ScalarSeries(runId, tag, steps, wallTimes, values));
    return steps.length;
  }

  /** Points in the batch. */
  int size() {
    return series.stream().mapToInt(ScalarSeries::size).sum();
  }

  /**
   * The same batch in binary ({@value #BINARY_TYPE}), what the Java client sends: big-endian,
   * {@code "CSB1"}, the batch id (unsigned short length + UTF-8; length 0 = none), the series count
   * (int), then per series the tag (unsigned short length + UTF-8), the point count n (int), n
   * steps (long), n wall times (long, milliseconds since 1970), n values (IEEE double). Same
   * limits.
   */
  static ScalarBatch parseBinary(String runId, byte[] body) {
    ByteBuffer in = ByteBuffer.wrap(body == null ? new byte[0] : body);
    long received = System.currentTimeMillis();
    try {
      byte[] magic = new byte[4];
      in.get(magic);
      if (!"CSB1".equals(new String(magic, StandardCharsets.US_ASCII))) {
        throw ApiException.badRequest(
            "body does not start with CSB1; expected a " + BINARY_TYPE + " batch");
      }
      String batchId = utf8(in);
      if (batchId.length() > MAX_BATCH_ID) {
        throw ApiException.badRequest(
            "'batchId' must be 1.." + MAX_BATCH_ID + " characters, got " + batchId.length());
      }
      int count = in.getInt();
      if (count < 0 || count > MAX_SERIES) {
        throw ApiException.badRequest(
            "'series': " + count + " series; at most " + MAX_SERIES + " per batch");
      }
      List<ScalarSeries> points = new ArrayList<>(count);
      int total = 0;
      Set<String> tags = new HashSet<>();
      for (int k = 0; k < count; k++) {
        String where = "series[" + k + "]";
        String tag = checkTag(utf8(in), where);
        int n = in.getInt();
        if (n < 0 || total + (long) n > MAX_POINTS) {
          throw ApiException.badRequest(
              "'series': at most " + MAX_POINTS + " points per batch; split the batch");
        }
        if (in.remaining() < n * 24L) {
          throw ApiException.badRequest(
              where + " ('" + tag + "') announces " + n + " points but the body ends early");
        }
        long[] steps = new long[n];
        long[] walls = new long[n];
        double[] values = new double[n];
        in.asLongBuffer().get(steps);
        in.position(in.position() + n * 8);
        in.asLongBuffer().get(walls);
        in.position(in.position() + n * 8);
        in.asDoubleBuffer().get(values);
        in.position(in.position() + n * 8);
        total += addSeries(points, total, tags, runId, where, tag, steps, values, walls, received);
      }
      if (in.hasRemaining()) {
        throw ApiException.badRequest(
            "body has " + in.remaining() + " bytes after its last series");
      }
      return new ScalarBatch(batchId.isEmpty() ? null : batchId, points);
    } catch (BufferUnderflowException e) {
      throw ApiException.badRequest("body ends early: not a complete " + BINARY_TYPE + " batch");
    }
  }

  private static String utf8(ByteBuffer in) {
    int len = Short.toUnsignedInt(in.getShort());
    byte[] b = new byte[len];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  static String checkTag(String tag, String where) {
    if (tag == null || tag.isBlank() || tag.length() > MAX_TAG) {
      throw ApiException.badRequest(
          where
              + ".tag must be 1.."
              + MAX_TAG
              + " characters, got "
              + (tag == null ? "none" : tag.length()));
    }
    for (int i = 0; i < tag.length(); i++) {
      if (Character.isISOControl(tag.charAt(i))) {
        throw ApiException.badRequest(where + ".tag must not contain control characters");
      }
    }
    return tag;
  }

  private static String tag(JsonParser p, String where) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw ApiException.badRequest(where + ".tag must be a string");
    }
    return checkTag(p.getText(), where);
  }

  private static long[] longs(JsonParser p, String where, int already) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw ApiException.badRequest(where + " must be an array of integers");
    }
    long[] out = new long[64];
    int n = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
        throw ApiException.badRequest(
            where + "[" + n + "] must be an integer, got " + shortText(p));
      }
      if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw ApiException.badRequest(where + "[" + n + "] is out of range for a 64-bit integer");
      }
      if (already + n >= MAX_POINTS) {
        throw ApiException.badRequest(
            "'series': at most " + MAX_POINTS + " points per batch; split the batch");
      }
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = p.getLongValue();
    }
    return Arrays.copyOf(out, n);
  }

  private static double[] doubles(JsonParser p, String where, int already) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw ApiException.badRequest(where + " must be an array of numbers");
    }
    double[] out = new double[64];
    int n = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      double v =
          switch (p.currentToken()) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_STRING ->
                switch (p.getText()) {
                  case "NaN" -> Double.NaN;
                  case "Infinity" -> Double.POSITIVE_INFINITY;
                  case "-Infinity" -> Double.NEGATIVE_INFINITY;
                  default ->
                      throw ApiException.badRequest(
                          where
                              + "["
                              + n
                              + "] is the string '"
                              + abbreviate(p.getText())
                              + "'; a value is a number or one of \"NaN\", \"Infinity\", \"-Infinity\"");
                };
            default ->
                throw ApiException.badRequest(
                    where + "[" + n + "] must be a number, got " + shortText(p));
          };
      if (already + n >= MAX_POINTS) {
        throw ApiException.badRequest(
            "'series': at most " + MAX_POINTS + " points per batch; split the batch");
      }
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = v;
    }
    return Arrays.copyOf(out, n);
  }

  private static String shortText(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    return t == JsonToken.START_OBJECT
        ? "an object"
        : t == JsonToken.START_ARRAY ? "an array" : abbreviate(p.getText());
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
