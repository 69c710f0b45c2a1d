package dev.cairn.core.tensorboard;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of TensorFlow's and TensorBoard's messages that event files carry, decoded and encoded
 * field by field. Field numbers are those of {@code tensorflow/core/util/event.proto}, {@code
 * tensorflow/core/framework/summary.proto}, {@code tensor.proto}, {@code tensor_shape.proto},
 * {@code histogram.proto} and {@code types.proto}, and of TensorBoard's {@code
 * plugins/hparams/plugin_data.proto} / {@code api.proto} and {@code
 * plugins/text/plugin_data.proto}. Fields Cairn does not use (including ones newer writers add) are
 * skipped.
 */
public final class TbProto {
  private TbProto() {}

  // types.proto DataType values
  public static final int DT_FLOAT = 1;
  public static final int DT_DOUBLE = 2;
  public static final int DT_INT32 = 3;
  public static final int DT_STRING = 7;
  public static final int DT_INT64 = 9;
  public static final int DT_BFLOAT16 = 14;
  public static final int DT_HALF = 19;

  /**
   * Event: wall_time = 1, step = 2, file_version = 3, summary = 5 (other oneof members ignored).
   */
  public record Event(double wallTime, long step, String fileVersion, List<Value> values) {}

  /**
   * Summary.Value: tag = 1, simple_value = 2, image = 4, histo = 5, tensor = 8, metadata = 9
   * (SummaryMetadata.plugin_data = 1: PluginData.plugin_name = 1, content = 2).
   */
  public record Value(
      String tag,
      String pluginName,
      byte[] pluginContent,
      Float simpleValue,
      Image image,
      Histo histo,
      Tensor tensor) {}

  /** Summary.Image: height = 1, width = 2, colorspace = 3, encoded_image_string = 4. */
  public record Image(int height, int width, int colorspace, byte[] encoded) {}

  /**
   * HistogramProto: min 1, max 2, num 3, sum 4, sum_squares 5, bucket_limit 6, bucket 7 (packed
   * doubles).
   */
  public record Histo(
      double min,
      double max,
      double num,
      double sum,
      double sumSquares,
      double[] bucketLimit,
      double[] bucket) {}

  /**
   * TensorProto: dtype 1, tensor_shape 2 (TensorShapeProto.dim = 2, Dim.size = 1), tensor_content
   * 4, float_val 5, double_val 6, int_val 7, string_val 8, int64_val 10, half_val 13.
   */
  public record Tensor(
      int dtype, long[] shape, byte[] content, double[] numbers, List<byte[]> strings) {
    /** The first number of a numeric tensor, or null. */
    public Double scalar() {
      if (numbers.length > 0) {
        return numbers[0];
      }
      if (content.length == 0) {
        return null;
      }
      ByteBuffer b = ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN);
      return switch (dtype) {
        case DT_FLOAT -> content.length >= 4 ? (double) b.getFloat(0) : null;
        case DT_DOUBLE -> content.length >= 8 ? b.getDouble(0) : null;
        case DT_INT32 -> content.length >= 4 ? (double) b.getInt(0) : null;
        case DT_INT64 -> content.length >= 8 ? (double) b.getLong(0) : null;
        case DT_HALF -> content.length >= 2 ? (double) halfToFloat(b.getShort(0) & 0xffff) : null;
        case DT_BFLOAT16 ->
            content.length >= 2
                ? (double) Float.intBitsToFloat((b.getShort(0) & 0xffff) << 16)
                : null;
        default -> null;
      };
    }

    /** Every number of a numeric tensor, row-major. */
    public double[] allNumbers() {
      if (numbers.length > 0 || content.length == 0) {
        return numbers;
      }
      ByteBuffer b = ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN);
      return switch (dtype) {
        case DT_FLOAT -> {
          double[] d = new double[content.length / 4];
          for (int i = 0; i < d.length; i++) d[i] = b.getFloat(i * 4);
          yield d;
        }
        case DT_DOUBLE -> {
          double[] d = new double[content.length / 8];
          for (int i = 0; i < d.length; i++) d[i] = b.getDouble(i * 8);
          yield d;
        }
        case DT_INT32 -> {
          double[] d = new double[content.length / 4];
          for (int i = 0; i < d.length; i++) d[i] = b.getInt(i * 4);
          yield d;
        }
        case DT_INT64 -> {
          double[] d = new double[content.length / 8];
          for (int i = 0; i < d.length; i++) d[i] = b.getLong(i * 8);
          yield d;
        }
        default -> new double[0];
      };
    }
  }

  static float halfToFloat(int h) {
    int sign = (h >>> 15) & 1;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    float v;
    if (exp == 0) {
      v = (float) (mant * Math.pow(2, -24));
    } else if (exp == 31) {
      v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
    } else {
      v = (float) ((1 + mant / 1024.0) * Math.pow(2, exp - 15));
    }
    return sign == 1 ? -v : v;
  }

  // ---- decoding ----

  /** Decodes an Event; throws IOException on malformed bytes. */
  public static Event parseEvent(byte[] data) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(data);
    double wall = 0;
    long step = 0;
    String fileVersion = null;
    List<Value> values = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (tag) {
        case (1 << 3) | 1 -> wall = in.readDouble();
        case (2 << 3) -> step = in.readInt64();
        case (3 << 3) | 2 -> fileVersion = in.readString();
        case (5 << 3) | 2 -> parseSummary(in.readByteArray(), values);
        default -> in.skipField(tag);
      }
    }
    return new Event(wall, step, fileVersion, values);
  }

  private static void parseSummary(byte[] data, List<Value> out) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(data);
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == ((1 << 3) | 2)) {
        out.add(parseValue(in.readByteArray()));
      } else {
        in.skipField(tag);
      }
    }
  }

  private static Value parseValue(byte[] data) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(data);
    String name = "";
    String plugin = null;
    byte[] content = new byte[0];
    Float simple = null;
    Image image = null;
    Histo histo = null;
    Tensor tensor = null;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (tag) {
        case (1 << 3) | 2 -> name = in.readString();
        case (2 << 3) | 5 -> simple = in.readFloat();
        case (4 << 3) | 2 -> image = parseImage(in.readByteArray());
        case (5 << 3) | 2 -> histo = parseHisto(in.readByteArray());
        case (8 << 3) | 2 -> tensor = parseTensor(in.readByteArray());
        case (9 << 3) | 2 -> {
          CodedInputStream meta = CodedInputStream.newInstance(in.readByteArray());
          int t;
          while ((t = meta.readTag()) != 0) {
            if (t == ((1 << 3) | 2)) {
              CodedInputStream pd = CodedInputStream.newInstance(meta.readByteArray());
              int p;
              while ((p = pd.readTag()) != 0) {
                switch (p) {
                  case (1 << 3) | 2 -> plugin = pd.readString();
                  case (2 << 3) | 2 -> content = pd.readByteArray();
                  default -> pd.skipField(p);
                }
              }
            } else {
              meta.skipField(t);
            }
          }
        }
        default -> in.skipField(tag);
      }
    }
    return new Value(name, plugin, content, simple, image, histo, tensor);
  }

  private static Image parseImage(byte[] data) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(data);
    int h = 0;
    int w = 0;
    int cs = 0;
    byte[] enc = new byte[0];
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (tag) {
        case (1 << 3) -> h = in.readInt32();
        case (2 << 3) -> w = in.readInt32();
        case (3 << 3) -> cs = in.readInt32();
        case (4 << 3) | 2 -> enc = in.readByteArray();
        default -> in.skipField(tag);
      }
    }
    return new Image(h, w, cs, enc);
  }

  private static Histo parseHisto(byte[] data) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(data);
    double[] f = new double[5];
    List<Double> limits = new ArrayList<>();
    List<Double> buckets = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      int field = WireFormat.getTagFieldNumber(tag);
      int wire = WireFormat.getTagWireType(tag);
      if (field >= 1 && field <= 5 && wire == WireFormat.WIRETYPE_FIXED64) {
        f[field - 1] = in.readDouble();
      } else if ((field == 6 || field == 7)
          && (wire == WireFormat.WIRETYPE_FIXED64
              || wire == WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
        List<Double> into = field == 6 ? limits : buckets;
        readDoubles(in, wire, into);
      } else {
        in.skipField(tag);
      }
    }
    return new Histo(f[0], f[1], f[2], f[3], f[4], toArray(limits), toArray(buckets));
  }

  private static void readDoubles(CodedInputStream in, int wire, List<Double> into)
      throws IOException {
    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      int limit = in.pushLimit(in.readRawVarint32());
      while (in.getBytesUntilLimit() > 0) {
        into.add(in.readDouble());
      }
      in.popLimit(limit);
    } else {
      into.add(in.readDouble());
    }
  }

  private static Tensor parseTensor(byte[] data) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(data);
    int[] dtype = {0};
    List<Long> shape = new ArrayList<>();
    byte[] content = new byte[0];
    List<Double> numbers = new ArrayList<>();
    List<byte[]> strings = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      int field = WireFormat.getTagFieldNumber(tag);
      int wire = WireFormat.getTagWireType(tag);
      boolean packed = wire == WireFormat.WIRETYPE_LENGTH_DELIMITED;
      switch (field) {
        case 1 -> {
          if (wire == 0) dtype[0] = in.readEnum();
          else in.skipField(tag);
        }
        case 2 -> {
          if (packed) shape = parseShape(in.readByteArray());
          else in.skipField(tag);
        }
        case 4 -> {
          if (packed) content = in.readByteArray();
          else in.skipField(tag);
        }
        case 5 ->
            readPacked(
                in, wire, WireFormat.WIRETYPE_FIXED32, () -> (double) in.readFloat(), numbers, tag);
        case 6 -> readPacked(in, wire, WireFormat.WIRETYPE_FIXED64, in::readDouble, numbers, tag);
        case 7 ->
            readPacked(
                in, wire, WireFormat.WIRETYPE_VARINT, () -> (double) in.readInt32(), numbers, tag);
        case 10 ->
            readPacked(
                in, wire, WireFormat.WIRETYPE_VARINT, () -> (double) in.readInt64(), numbers, tag);
        case 13 ->
            readPacked(
                in,
                wire,
                WireFormat.WIRETYPE_VARINT,
                () ->
                    (double)
                        (dtype[0] == DT_BFLOAT16
                            ? Float.intBitsToFloat(in.readInt32() << 16)
                            : halfToFloat(in.readInt32())),
                numbers,
                tag);
        case 8 -> {
          if (packed) strings.add(in.readByteArray());
          else in.skipField(tag);
        }
        default -> in.skipField(tag);
      }
    }
    return new Tensor(
        dtype[0],
        shape.stream().mapToLong(Long::longValue).toArray(),
        content,
        toArray(numbers),
        strings);
  }

  @FunctionalInterface
  private interface NumberReader {
    double read() throws IOException;
  }

  private static void readPacked(
      CodedInputStream in, int wire, int elementWire, NumberReader r, List<Double> into, int tag)
      throws IOException {
    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      int limit = in.pushLimit(in.readRawVarint32());
      while (in.getBytesUntilLimit() > 0) {
        into.add(r.read());
      }
      in.popLimit(limit);
    } else if (wire == elementWire) {
      into.add(r.read());
    } else {
      in.skipField(tag);
    }
  }

  private static List<Long> parseShape(byte[] data) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(data);
    List<Long> dims = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == ((2 << 3) | 2)) {
        CodedInputStream dim = CodedInputStream.newInstance(in.readByteArray());
        long size = 0;
        int t;
        while ((t = dim.readTag()) != 0) {
          if (t == (1 << 3)) {
            size = dim.readInt64();
          } else {
            dim.skipField(t);
          }
        }
        dims.add(size);
      } else {
        in.skipField(tag);
      }
    }
    return dims;
  }

  /**
   * The hparams of a {@code session_start_info} (HParamsPluginData.session_start_info = 3,
   * SessionStartInfo.hparams = 1, a map of google.protobuf.Value: number 2, string 3, bool 4); null
   * when the content holds no session start.
   */
  public static Map<String, String> parseSessionStartHparams(byte[] content) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(content);
    Map<String, String> out = null;
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == ((3 << 3) | 2)) {
        out = new LinkedHashMap<>();
        CodedInputStream start = CodedInputStream.newInstance(in.readByteArray());
        int t;
        while ((t = start.readTag()) != 0) {
          if (t == ((1 << 3) | 2)) {
            CodedInputStream entry = CodedInputStream.newInstance(start.readByteArray());
            String key = "";
            String value = "";
            int e;
            while ((e = entry.readTag()) != 0) {
              switch (e) {
                case (1 << 3) | 2 -> key = entry.readString();
                case (2 << 3) | 2 -> value = parseStructValue(entry.readByteArray());
                default -> entry.skipField(e);
              }
            }
            out.put(key, value);
          } else {
            start.skipField(t);
          }
        }
      } else {
        in.skipField(tag);
      }
    }
    return out;
  }

  private static String parseStructValue(byte[] data) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(data);
    String out = "";
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (tag) {
        case (2 << 3) | 1 -> out = formatNumber(in.readDouble());
        case (3 << 3) | 2 -> out = in.readString();
        case (4 << 3) -> out = Boolean.toString(in.readBool());
        default -> in.skipField(tag);
      }
    }
    return out;
  }

  static String formatNumber(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  private static double[] toArray(List<Double> list) {
    double[] a = new double[list.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = list.get(i);
    }
    return a;
  }

  // ---- encoding ----

  @FunctionalInterface
  interface Body {
    void write(CodedOutputStream out) throws IOException;
  }

  static byte[] message(Body body) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      body.write(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory protobuf write failed", e);
    }
  }

  /** An Event with file_version (the first record of every event file). */
  public static byte[] fileVersionEvent(double wallTime) {
    return message(
        o -> {
          o.writeDouble(1, wallTime);
          o.writeString(3, "brain.Event:2");
        });
  }

  /** An Event holding a Summary with one value. */
  public static byte[] summaryEvent(double wallTime, long step, byte[] value) {
    byte[] summary = message(o -> o.writeByteArray(1, value));
    return message(
        o -> {
          o.writeDouble(1, wallTime);
          o.writeInt64(2, step);
          o.writeByteArray(5, summary);
        });
  }

  static byte[] metadata(String plugin, byte[] content) {
    byte[] pluginData =
        message(
            o -> {
              o.writeString(1, plugin);
              o.writeByteArray(2, content);
            });
    return message(o -> o.writeByteArray(1, pluginData));
  }

  /** A simple_value scalar (what TensorBoard's scalars dashboard reads from every writer). */
  public static byte[] scalarValue(String tag, float value) {
    return message(
        o -> {
          o.writeString(1, tag);
          o.writeFloat(2, value);
        });
  }

  /** An encoded-image summary (PNG). */
  public static byte[] imageValue(String tag, int width, int height, int colorspace, byte[] png) {
    byte[] image =
        message(
            o -> {
              o.writeInt32(1, height);
              o.writeInt32(2, width);
              o.writeInt32(3, colorspace);
              o.writeByteArray(4, png);
            });
    return message(
        o -> {
          o.writeString(1, tag);
          o.writeByteArray(4, image);
        });
  }

  /** A HistogramProto summary. */
  public static byte[] histogramValue(String tag, Histo h) {
    byte[] histo =
        message(
            o -> {
              o.writeDouble(1, h.min());
              o.writeDouble(2, h.max());
              o.writeDouble(3, h.num());
              o.writeDouble(4, h.sum());
              o.writeDouble(5, h.sumSquares());
              writePackedDoubles(o, 6, h.bucketLimit());
              writePackedDoubles(o, 7, h.bucket());
            });
    return message(
        o -> {
          o.writeString(1, tag);
          o.writeByteArray(5, histo);
        });
  }

  private static void writePackedDoubles(CodedOutputStream o, int field, double[] values)
      throws IOException {
    o.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    o.writeUInt32NoTag(values.length * 8);
    for (double v : values) {
      o.writeDoubleNoTag(v);
    }
  }

  /**
   * A text summary: a scalar DT_STRING tensor with the text plugin's metadata (TextPluginData,
   * version 0).
   */
  public static byte[] textValue(String tag, String text) {
    byte[] tensor =
        message(
            o -> {
              o.writeEnum(1, DT_STRING);
              o.writeByteArray(2, new byte[0]); // scalar shape
              o.writeByteArray(8, text.getBytes(StandardCharsets.UTF_8));
            });
    return message(
        o -> {
          o.writeString(1, tag);
          o.writeByteArray(8, tensor);
          o.writeByteArray(9, metadata("text", new byte[0]));
        });
  }

  /**
   * The hparams plugin's values: {@code _hparams_/experiment} (Experiment with one HParamInfo per
   * param, DATA_TYPE_STRING or DATA_TYPE_FLOAT64, and one MetricInfo per metric tag) and {@code
   * _hparams_/session_start_info} (the values).
   */
  public static List<byte[]> hparamsValues(
      Map<String, String> params, List<String> metricTags, double startTime) {
    byte[] experiment =
        message(
            o -> {
              for (Map.Entry<String, String> p : params.entrySet()) {
                // api.proto DataType: DATA_TYPE_STRING 1, DATA_TYPE_BOOL 2, DATA_TYPE_FLOAT64 3
                int type = isNumber(p.getValue()) ? 3 : isBool(p.getValue()) ? 2 : 1;
                o.writeByteArray(
                    4,
                    message(
                        h -> {
                          h.writeString(1, p.getKey());
                          h.writeEnum(4, type);
                        }));
              }
              for (String m : metricTags) {
                o.writeByteArray(
                    5, message(mi -> mi.writeByteArray(1, message(mn -> mn.writeString(2, m)))));
              }
            });
    byte[] start =
        message(
            o -> {
              for (Map.Entry<String, String> p : params.entrySet()) {
                byte[] value =
                    message(
                        v -> {
                          if (isNumber(p.getValue())) {
                            v.writeDouble(2, Double.parseDouble(p.getValue()));
                          } else if (isBool(p.getValue())) {
                            v.writeBool(4, Boolean.parseBoolean(p.getValue()));
                          } else {
                            v.writeString(3, p.getValue());
                          }
                        });
                o.writeByteArray(
                    1,
                    message(
                        e -> {
                          e.writeString(1, p.getKey());
                          e.writeByteArray(2, value);
                        }));
              }
              o.writeDouble(5, startTime);
            });
    byte[] experimentData =
        message(
            o -> {
              o.writeInt32(1, 0);
              o.writeByteArray(2, experiment);
            });
    byte[] startData =
        message(
            o -> {
              o.writeInt32(1, 0);
              o.writeByteArray(3, start);
            });
    return List.of(
        pluginOnly("_hparams_/experiment", "hparams", experimentData),
        pluginOnly("_hparams_/session_start_info", "hparams", startData));
  }

  private static byte[] pluginOnly(String tag, String plugin, byte[] content) {
    return message(
        o -> {
          o.writeString(1, tag);
          o.writeByteArray(9, metadata(plugin, content));
        });
  }

  static boolean isBool(String s) {
    return "true".equals(s) || "false".equals(s);
  }

  static boolean isNumber(String s) {
    if (s == null || s.isBlank()) {
      return false;
    }
    try {
      double d = Double.parseDouble(s);
      return Double.isFinite(d)
          && !s.endsWith("d")
          && !s.endsWith("f")
          && !s.endsWith("D")
          && !s.endsWith("F");
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
