package dev.cairn.core.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.platform.Fp16Conversions;
import dev.cairn.core.onnx.OnnxModelException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A dense tensor on the Java side of ONNX Runtime: an element type in ONNX's words, a shape and a
 * row-major array ({@code float[]} for float, {@code double[]} for double, {@code long[]} for
 * int64, {@code int[]} for int32, {@code short[]} for int16 and float16 (IEEE half-precision bits),
 * {@code byte[]} for int8 and uint8, {@code boolean[]} for bool, {@code String[]} for string: ONNX
 * strings, UTF-8 text, the Open Inference Protocol's BYTES); or, for any type but string, a
 * little-endian {@code ByteBuffer} of raw values (binary request bodies: handed to ONNX Runtime
 * with one copy).
 */
public record TensorData(String type, long[] shape, Object data) {
  /** Element types predict accepts and returns. */
  public static final List<String> TYPES =
      List.of(
          "float", "double", "float16", "int64", "int32", "int16", "int8", "uint8", "bool",
          "string");

  public TensorData {
    Objects.requireNonNull(type, "type");
    shape = shape.clone();
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != length(type, data)) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + length(type, data));
    }
  }

  public static TensorData ofFloats(float[] values, long... shape) {
    return new TensorData("float", shape, values);
  }

  private static int length(String type, Object data) {
    if (data instanceof float[] a) return a.length;
    if (data instanceof double[] a) return a.length;
    if (data instanceof long[] a) return a.length;
    if (data instanceof int[] a) return a.length;
    if (data instanceof short[] a) return a.length;
    if (data instanceof byte[] a) return a.length;
    if (data instanceof boolean[] a) return a.length;
    if (data instanceof String[] a) return a.length;
    if (data instanceof ByteBuffer b) return b.remaining() / ShapeInference.elementBytes(type);
    throw new IllegalArgumentException(
        "unsupported tensor array " + (data == null ? "null" : data.getClass()));
  }

  public int size() {
    return length(type, data);
  }

  /**
   * Element {@code i} as a double (bools as 0/1, uint8 unsigned; a string is parsed, NaN when not a
   * number).
   */
  public double get(int i) {
    if (data instanceof ByteBuffer b) {
      int at = b.position() + i * ShapeInference.elementBytes(type);
      return switch (type) {
        case "float" -> b.getFloat(at);
        case "double" -> b.getDouble(at);
        case "int64" -> b.getLong(at);
        case "int32" -> b.getInt(at);
        case "int16" -> b.getShort(at);
        case "float16" -> Fp16Conversions.fp16ToFloat(b.getShort(at));
        case "uint8" -> Byte.toUnsignedInt(b.get(at));
        case "bool" -> b.get(at) != 0 ? 1 : 0;
        default -> b.get(at);
      };
    }
    if (data instanceof String[] a) {
      try {
        return Double.parseDouble(a[i].trim());
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    if (data instanceof float[] a) return a[i];
    if (data instanceof double[] a) return a[i];
    if (data instanceof long[] a) return a[i];
    if (data instanceof int[] a) return a[i];
    if (data instanceof short[] a)
      return type.equals("float16") ? Fp16Conversions.fp16ToFloat(a[i]) : a[i];
    if (data instanceof byte[] a) return type.equals("uint8") ? Byte.toUnsignedInt(a[i]) : a[i];
    return ((boolean[]) data)[i] ? 1 : 0;
  }

  /** All values as floats. */
  public float[] toFloats() {
    if (data instanceof float[] a) {
      return a;
    }
    float[] out = new float[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) get(i);
    }
    return out;
  }

  /**
   * A tensor of {@code type} from values parsed exactly ({@link TensorJson.Parsed}): {@code long[]}
   * for integer types (already range-checked), {@code double[]} for float types, {@code boolean[]}.
   */
  public static TensorData fromParsed(String type, TensorJson.Parsed parsed, long[] shape) {
    Object data = parsed.data();
    if (data instanceof double[] d) {
      return fromDoubles(type, d, shape);
    }
    if (data instanceof boolean[] b) {
      return new TensorData(type, shape, b.clone());
    }
    if (data instanceof String[] t) {
      return new TensorData("string", shape, t.clone());
    }
    long[] l = (long[]) data;
    switch (type) {
      case "int64":
        return new TensorData(type, shape, l.clone());
      case "int32":
        {
          int[] a = new int[l.length];
          for (int i = 0; i < a.length; i++) a[i] = Math.toIntExact(l[i]);
          return new TensorData(type, shape, a);
        }
      case "int16":
        {
          short[] a = new short[l.length];
          for (int i = 0; i < a.length; i++) a[i] = (short) l[i];
          return new TensorData(type, shape, a);
        }
      case "int8":
      case "uint8":
        {
          byte[] a = new byte[l.length];
          for (int i = 0; i < a.length; i++) a[i] = (byte) l[i];
          return new TensorData(type, shape, a);
        }
      default:
        throw new OnnxModelException(
            Reason.BAD_INPUT, "element type '" + type + "' is not supported; supported: " + TYPES);
    }
  }

  /**
   * Converts doubles to a tensor of {@code type}, e.g. for an int64 input given as JSON numbers.
   */
  public static TensorData fromDoubles(String type, double[] values, long[] shape) {
    switch (type) {
      case "float":
        {
          float[] a = new float[values.length];
          for (int i = 0; i < a.length; i++) a[i] = (float) values[i];
          return new TensorData(type, shape, a);
        }
      case "double":
        return new TensorData(type, shape, values.clone());
      case "float16":
        {
          short[] a = new short[values.length];
          for (int i = 0; i < a.length; i++) a[i] = Fp16Conversions.floatToFp16((float) values[i]);
          return new TensorData(type, shape, a);
        }
      case "int16":
        {
          short[] a = new short[values.length];
          for (int i = 0; i < a.length; i++) a[i] = (short) values[i];
          return new TensorData(type, shape, a);
        }
      case "int64":
        {
          long[] a = new long[values.length];
          for (int i = 0; i < a.length; i++) a[i] = (long) values[i];
          return new TensorData(type, shape, a);
        }
      case "int32":
        {
          int[] a = new int[values.length];
          for (int i = 0; i < a.length; i++) a[i] = (int) values[i];
          return new TensorData(type, shape, a);
        }
      case "int8":
      case "uint8":
        {
          byte[] a = new byte[values.length];
          for (int i = 0; i < a.length; i++) a[i] = (byte) (long) values[i];
          return new TensorData(type, shape, a);
        }
      case "bool":
        {
          boolean[] a = new boolean[values.length];
          for (int i = 0; i < a.length; i++) a[i] = values[i] != 0;
          return new TensorData(type, shape, a);
        }
      case "string":
        throw new OnnxModelException(
            Reason.BAD_INPUT, "this input takes strings (ONNX string), not numbers");
      default:
        throw new OnnxModelException(
            Reason.BAD_INPUT, "element type '" + type + "' is not supported; supported: " + TYPES);
    }
  }

  /** An ONNX Runtime tensor holding a copy of the data; the caller closes it. */
  public OnnxTensor toOnnx(OrtEnvironment env) throws OrtException {
    if (data instanceof ByteBuffer raw) {
      OnnxJavaType javaType =
          switch (type) {
            case "float" -> OnnxJavaType.FLOAT;
            case "double" -> OnnxJavaType.DOUBLE;
            case "int64" -> OnnxJavaType.INT64;
            case "int32" -> OnnxJavaType.INT32;
            case "int16" -> OnnxJavaType.INT16;
            case "float16" -> OnnxJavaType.FLOAT16;
            case "int8" -> OnnxJavaType.INT8;
            case "uint8" -> OnnxJavaType.UINT8;
            case "bool" -> OnnxJavaType.BOOL;
            default ->
                throw new OnnxModelException(
                    Reason.BAD_INPUT, "element type '" + type + "' has no raw form");
          };
      ByteBuffer direct = raw;
      if (!raw.isDirect()) {
        // ONNX Runtime's Java API takes typed data from direct ByteBuffers only (it casts heap
        // ones)
        direct = ByteBuffer.allocateDirect(raw.remaining()).order(ByteOrder.nativeOrder());
        direct.put(raw.duplicate()).flip();
      }
      return OnnxTensor.createTensor(env, direct.order(ByteOrder.nativeOrder()), shape, javaType);
    }
    switch (type) {
      case "float":
        return OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) data), shape);
      case "double":
        return OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) data), shape);
      case "int64":
        return OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) data), shape);
      case "int32":
        return OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) data), shape);
      case "int16":
        return OnnxTensor.createTensor(env, ShortBuffer.wrap((short[]) data), shape);
      case "float16":
        return OnnxTensor.createTensor(
            env, ShortBuffer.wrap((short[]) data), shape, OnnxJavaType.FLOAT16);
      case "int8":
        return OnnxTensor.createTensor(
            env, ByteBuffer.wrap((byte[]) data), shape, OnnxJavaType.INT8);
      case "uint8":
        return OnnxTensor.createTensor(
            env, ByteBuffer.wrap((byte[]) data), shape, OnnxJavaType.UINT8);
      case "bool":
        {
          boolean[] b = (boolean[]) data;
          ByteBuffer buf = ByteBuffer.allocateDirect(b.length).order(ByteOrder.nativeOrder());
          for (boolean v : b) {
            buf.put((byte) (v ? 1 : 0));
          }
          buf.rewind();
          return OnnxTensor.createTensor(env, buf, shape, OnnxJavaType.BOOL);
        }
      case "string":
        return OnnxTensor.createTensor(env, (String[]) data, shape);
      default:
        throw new OnnxModelException(
            Reason.BAD_INPUT, "element type '" + type + "' is not supported; supported: " + TYPES);
    }
  }

  /** Copies an ONNX Runtime tensor out. */
  public static TensorData fromOnnx(String name, OnnxTensor tensor) {
    long[] shape = tensor.getInfo().getShape();
    switch (tensor.getInfo().type) {
      case FLOAT:
        {
          FloatBuffer b = tensor.getFloatBuffer();
          float[] a = new float[b.remaining()];
          b.get(a);
          return new TensorData("float", shape, a);
        }
      case DOUBLE:
        {
          DoubleBuffer b = tensor.getDoubleBuffer();
          double[] a = new double[b.remaining()];
          b.get(a);
          return new TensorData("double", shape, a);
        }
      case INT64:
        {
          LongBuffer b = tensor.getLongBuffer();
          long[] a = new long[b.remaining()];
          b.get(a);
          return new TensorData("int64", shape, a);
        }
      case INT32:
        {
          IntBuffer b = tensor.getIntBuffer();
          int[] a = new int[b.remaining()];
          b.get(a);
          return new TensorData("int32", shape, a);
        }
      case INT16:
      case FLOAT16:
        {
          ShortBuffer b = tensor.getShortBuffer();
          short[] a = new short[b.remaining()];
          b.get(a);
          return new TensorData(
              tensor.getInfo().type == OnnxJavaType.INT16 ? "int16" : "float16", shape, a);
        }
      case INT8:
      case UINT8:
      case BOOL:
        {
          ByteBuffer b = tensor.getByteBuffer();
          byte[] a = new byte[b.remaining()];
          b.get(a);
          if (tensor.getInfo().type == OnnxJavaType.BOOL) {
            boolean[] bools = new boolean[a.length];
            for (int i = 0; i < a.length; i++) bools[i] = a[i] != 0;
            return new TensorData("bool", shape, bools);
          }
          return new TensorData(
              tensor.getInfo().type == OnnxJavaType.INT8 ? "int8" : "uint8", shape, a);
        }
      case STRING:
        {
          ArrayList<String> flat = new ArrayList<>();
          try {
            flatten(tensor.getValue(), flat);
          } catch (OrtException e) {
            throw new OnnxModelException(
                Reason.BAD_INPUT,
                "output '"
                    + name
                    + "' (strings) cannot be read: "
                    + ExecutionProviders.firstLine(e.getMessage()),
                e);
          }
          return new TensorData("string", shape, flat.toArray(new String[0]));
        }
      default:
        throw new OnnxModelException(
            Reason.BAD_INPUT,
            "output '"
                + name
                + "' has element type "
                + tensor.getInfo().type
                + ", which predict cannot return; supported: "
                + TYPES);
    }
  }

  private static void flatten(Object value, List<String> into) {
    if (value instanceof String s) {
      into.add(s);
    } else if (value instanceof Object[] a) {
      for (Object o : a) {
        flatten(o, into);
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorData t
        && type.equals(t.type)
        && Arrays.equals(shape, t.shape)
        && Objects.deepEquals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * type.hashCode() + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return type + Arrays.toString(shape);
  }
}
