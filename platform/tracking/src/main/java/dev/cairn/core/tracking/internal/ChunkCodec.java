package dev.cairn.core.tracking.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Packs the arrays of one chunk into bytes. Each blob starts with a codec byte so that a later
 * format can be added while old rows keep loading, then the point count as a varint.
 *
 * <ul>
 *   <li>steps: first step zigzag-varint, then each (positive) delta as a varint: a step counter
 *       that advances by one costs one byte per point;
 *   <li>wall times: first time zigzag-varint, then zigzag-varint deltas (clocks may step back);
 *   <li>values: raw IEEE-754 doubles, little endian, so every bit (NaN payloads, -0.0) survives.
 * </ul>
 *
 * <p>The encoders append one point at a time, so the writer's open chunks stay encoded and a flush
 * only frames the bytes instead of packing the whole chunk again.
 */
public final class ChunkCodec {
  static final byte DELTA_VARINT = 1;
  static final byte ZIGZAG_DELTA_VARINT = 2;
  static final byte RAW_DOUBLE_LE = 3;
  private static final VarHandle DOUBLE_LE =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

  private ChunkCodec() {}

  /** Appends steps (strictly increasing) or wall times (any order) as varint deltas. */
  public static final class LongEncoder {
    private final byte codec;
    private byte[] bytes = new byte[32];
    private int length;
    private int count;
    private long previous;

    private LongEncoder(byte codec) {
      this.codec = codec;
    }

    public static LongEncoder forSteps() {
      return new LongEncoder(DELTA_VARINT);
    }

    public static LongEncoder forWallTimes() {
      return new LongEncoder(ZIGZAG_DELTA_VARINT);
    }

    public void add(long value) {
      if (length + 10 > bytes.length) {
        bytes = Arrays.copyOf(bytes, bytes.length * 2);
      }
      long delta = value - previous;
      if (count == 0 || codec == ZIGZAG_DELTA_VARINT) {
        length = putVarint(bytes, length, (delta << 1) ^ (delta >> 63));
      } else {
        if (value <= previous) {
          throw new IllegalArgumentException("steps must increase: " + previous + " then " + value);
        }
        length = putVarint(bytes, length, delta);
      }
      previous = value;
      count++;
    }

    public byte[] toBlob() {
      return frame(codec, count, bytes, length);
    }
  }

  /** Appends values as raw little-endian doubles. */
  public static final class DoubleEncoder {
    private byte[] bytes = new byte[64];
    private int count;

    public void add(double value) {
      int at = count * Double.BYTES;
      if (at + Double.BYTES > bytes.length) {
        bytes = Arrays.copyOf(bytes, bytes.length * 2);
      }
      DOUBLE_LE.set(bytes, at, value);
      count++;
    }

    public byte[] toBlob() {
      return frame(RAW_DOUBLE_LE, count, bytes, count * Double.BYTES);
    }
  }

  public static byte[] encodeSteps(long[] steps, int count) {
    LongEncoder encoder = LongEncoder.forSteps();
    for (int i = 0; i < count; i++) {
      encoder.add(steps[i]);
    }
    return encoder.toBlob();
  }

  public static byte[] encodeWallTimes(long[] wallTimes, int count) {
    LongEncoder encoder = LongEncoder.forWallTimes();
    for (int i = 0; i < count; i++) {
      encoder.add(wallTimes[i]);
    }
    return encoder.toBlob();
  }

  public static byte[] encodeValues(double[] values, int count) {
    DoubleEncoder encoder = new DoubleEncoder();
    for (int i = 0; i < count; i++) {
      encoder.add(values[i]);
    }
    return encoder.toBlob();
  }

  /** Decodes steps or wall times into {@code out} from {@code offset}; returns the count. */
  public static int decodeLongs(byte[] blob, long[] out, int offset) {
    byte codec = blob[0];
    if (codec != DELTA_VARINT && codec != ZIGZAG_DELTA_VARINT) {
      throw new IllegalStateException("Unknown chunk codec " + codec + " for integer array");
    }
    boolean zigzag = codec == ZIGZAG_DELTA_VARINT;
    int pos = 1;
    long count = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = blob[pos++];
      count |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        break;
      }
    }
    long previous = 0;
    for (int i = 0; i < count; i++) {
      long raw = 0;
      for (int shift = 0; ; shift += 7) {
        byte b = blob[pos++];
        raw |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          break;
        }
      }
      long delta = (i == 0 || zigzag) ? (raw >>> 1) ^ -(raw & 1) : raw;
      previous = i == 0 ? delta : previous + delta;
      out[offset + i] = previous;
    }
    return (int) count;
  }

  /** Decodes values into {@code out} from {@code offset}; returns the count. */
  public static int decodeValues(byte[] blob, double[] out, int offset) {
    if (blob[0] != RAW_DOUBLE_LE) {
      throw new IllegalStateException("Unknown chunk codec " + blob[0] + " for values");
    }
    int count = 0;
    int pos = 1;
    for (int shift = 0; ; shift += 7) {
      byte b = blob[pos++];
      count |= (b & 0x7f) << shift;
      if (b >= 0) {
        break;
      }
    }
    ByteBuffer.wrap(blob, pos, count * Double.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asDoubleBuffer()
        .get(out, offset, count);
    return count;
  }

  private static byte[] frame(byte codec, int count, byte[] payload, int length) {
    byte[] header = new byte[6];
    header[0] = codec;
    int headerLength = putVarint(header, 1, count);
    byte[] blob = new byte[headerLength + length];
    System.arraycopy(header, 0, blob, 0, headerLength);
    System.arraycopy(payload, 0, blob, headerLength, length);
    return blob;
  }

  private static int putVarint(byte[] out, int pos, long value) {
    while ((value & ~0x7fL) != 0) {
      out[pos++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out[pos++] = (byte) value;
    return pos;
  }
}
