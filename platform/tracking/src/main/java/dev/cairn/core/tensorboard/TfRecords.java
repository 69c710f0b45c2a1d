package dev.cairn.core.tensorboard;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, as TensorFlow's {@code record_writer.cc} defines it: per record a little-endian
 * uint64 length, the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data.
 */
public final class TfRecords {
  private static final int MASK_DELTA = 0xa282ead8;

  /**
   * Records longer than this are treated as corrupt (a TensorBoard event is kilobytes to
   * megabytes).
   */
  public static final long MAX_RECORD_BYTES = 256L << 20;

  private TfRecords() {}

  /** The masked CRC-32C of {@code bytes[off, off+len)}. */
  public static int maskedCrc(byte[] bytes, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, off, len);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  /** Writes one record. */
  public static void write(OutputStream out, byte[] data) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(data.length);
    header.putInt(maskedCrc(header.array(), 0, 8));
    out.write(header.array());
    out.write(data);
    ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    footer.putInt(maskedCrc(data, 0, data.length));
    out.write(footer.array());
  }

  /** What reading at an offset found. */
  public sealed interface Read permits Ok, Corrupt, Truncated, End {}

  /** A whole, checked record; the next one starts at {@code next}. */
  public record Ok(byte[] data, long next) implements Read {}

  /**
   * Bytes that fail a CRC check; reading resumes at {@code next}, the next offset that holds a
   * valid record (or the end).
   */
  public record Corrupt(String why, long next) implements Read {}

  /** The file ends inside a record (still being written, or cut off): nothing of it was used. */
  public record Truncated(long bytes) implements Read {}

  /** The offset is the end of the file. */
  public record End() implements Read {}

  /** Reads the record at {@code offset} of a channel of {@code size} bytes. */
  public static Read read(SeekableByteChannel ch, long offset, long size) throws IOException {
    if (offset >= size) {
      return new End();
    }
    if (size - offset < 12) {
      return new Truncated(size - offset);
    }
    ByteBuffer header = readAt(ch, offset, 12);
    long length = header.getLong(0);
    if (header.getInt(8) != maskedCrc(header.array(), 0, 8)
        || length < 0
        || length > MAX_RECORD_BYTES) {
      return new Corrupt(
          "record length CRC mismatch at byte " + offset, resync(ch, offset + 1, size));
    }
    if (size - offset < 16 + length) {
      return new Truncated(size - offset);
    }
    ByteBuffer body = readAt(ch, offset + 12, (int) length + 4);
    if (body.getInt((int) length) != maskedCrc(body.array(), 0, (int) length)) {
      return new Corrupt("record data CRC mismatch at byte " + offset, offset + 16 + length);
    }
    byte[] data = new byte[(int) length];
    System.arraycopy(body.array(), 0, data, 0, (int) length);
    return new Ok(data, offset + 16 + length);
  }

  /**
   * The first offset from {@code from} with a valid length header whose data CRC also checks, or
   * {@code size}.
   */
  private static long resync(SeekableByteChannel ch, long from, long size) throws IOException {
    for (long at = from; at + 16 <= size; at++) {
      ByteBuffer header = readAt(ch, at, 12);
      long length = header.getLong(0);
      if (header.getInt(8) == maskedCrc(header.array(), 0, 8)
          && length >= 0
          && length <= MAX_RECORD_BYTES
          && at + 16 + length <= size) {
        ByteBuffer body = readAt(ch, at + 12, (int) length + 4);
        if (body.getInt((int) length) == maskedCrc(body.array(), 0, (int) length)) {
          return at;
        }
      }
    }
    return size;
  }

  private static ByteBuffer readAt(SeekableByteChannel ch, long offset, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    ch.position(offset);
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        throw new IOException("file shrank while reading at byte " + offset);
      }
    }
    return b;
  }
}
