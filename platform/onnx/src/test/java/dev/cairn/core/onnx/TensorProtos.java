package dev.cairn.core.onnx;

import ai.onnx.proto.OnnxMl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** ONNX TensorProto files (the node tests' input_N.pb / output_N.pb) as {@link TensorData}. */
final class TensorProtos {
  private TensorProtos() {}

  /** Thrown for element types predict does not handle (float16, strings, ...). */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message);
    }
  }

  static TensorData read(OnnxMl.TensorProto t) throws Unsupported {
    long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    int n = Math.toIntExact(count);
    ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    boolean hasRaw = !t.getRawData().isEmpty();
    OnnxMl.TensorProto.DataType type = OnnxMl.TensorProto.DataType.forNumber(t.getDataType());
    switch (type == null ? OnnxMl.TensorProto.DataType.UNDEFINED : type) {
      case FLOAT:
        {
          float[] a = new float[n];
          for (int i = 0; i < n; i++) {
            a[i] = hasRaw ? raw.getFloat() : t.getFloatData(i);
          }
          return new TensorData("float", shape, a);
        }
      case DOUBLE:
        {
          double[] a = new double[n];
          for (int i = 0; i < n; i++) {
            a[i] = hasRaw ? raw.getDouble() : t.getDoubleData(i);
          }
          return new TensorData("double", shape, a);
        }
      case INT64:
        {
          long[] a = new long[n];
          for (int i = 0; i < n; i++) {
            a[i] = hasRaw ? raw.getLong() : t.getInt64Data(i);
          }
          return new TensorData("int64", shape, a);
        }
      case INT32:
        {
          int[] a = new int[n];
          for (int i = 0; i < n; i++) {
            a[i] = hasRaw ? raw.getInt() : t.getInt32Data(i);
          }
          return new TensorData("int32", shape, a);
        }
      case INT8:
      case UINT8:
        {
          byte[] a = new byte[n];
          for (int i = 0; i < n; i++) {
            a[i] = hasRaw ? raw.get() : (byte) t.getInt32Data(i);
          }
          return new TensorData(
              type == OnnxMl.TensorProto.DataType.INT8 ? "int8" : "uint8", shape, a);
        }
      case BOOL:
        {
          boolean[] a = new boolean[n];
          for (int i = 0; i < n; i++) {
            a[i] = (hasRaw ? raw.get() : t.getInt32Data(i)) != 0;
          }
          return new TensorData("bool", shape, a);
        }
      default:
        throw new Unsupported(
            "element type " + type + " is not one predict handles " + TensorData.TYPES);
    }
  }
}
