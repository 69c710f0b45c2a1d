package dev.cairn.core.tracking.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Packs the arrays of one chunk into bytes. Each blob starts with a codec byte so that a later
 * format can be added while old rows keep loading, then the point count as a varint.
 *
 * <ul>
 *   <li>steps: first step zigzag-varint, then each (strictly positive) delta as a varint: a step
 *       counter that advances by one costs one byte per point;
 *   <li>wall times: first time zigzag-varint, then zigzag-varint deltas (clocks may step back);
 *   <li>values: raw IEEE-754 doubles, little endian, so every bit (NaN payloads, -0.0) survives.
 * </ul>
 */
public final class ChunkCodec {
  static final byte DELTA_VARINT = 1;
  static final byte ZIGZAG_DELTA_VARINT = 2;
  static final byte RAW_DOUBLE_LE = 3;

  private ChunkCodec() {}

  public static byte[] encodeSteps(long[] steps, int count) {
    return encodeDeltas(DELTA_VARINT, steps, count);
  }

  public static byte[] encodeWallTimes(long[] wallTimes, int count) {
    return encodeDeltas(ZIGZAG_DELTA_VARINT, wallTimes, count);
  }

  public static byte[] encodeValues(double[] values, int count) {
    byte[] out = new byte[1 + 5 + count * Double.BYTES];
    out[0] = RAW_DOUBLE_LE;
    int pos = putVarint(out, 1, count);
    ByteBuffer.wrap(out, pos, count * Double.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asDoubleBuffer()
        .put(values, 0, count);
    return Arrays.copyOf(out, pos + count * Double.BYTES);
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

  private static byte[] encodeDeltas(byte codec, long[] values, int count) {
    byte[] out = new byte[1 + 5 + count * 10];
    out[0] = codec;
    int pos = putVarint(out, 1, count);
    long previous = 0;
    for (int i = 0; i < count; i++) {
      long v = values[i];
      long delta = v - previous;
      if (i == 0 || codec == ZIGZAG_DELTA_VARINT) {
        pos = putVarint(out, pos, (delta << 1) ^ (delta >> 63));
      } else {
        if (v <= previous) {
          throw new IllegalArgumentException("steps must increase: " + previous + " then " + v);
        }
        pos = putVarint(out, pos, delta);
      }
      previous = v;
    }
    return Arrays.copyOf(out, pos);
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
