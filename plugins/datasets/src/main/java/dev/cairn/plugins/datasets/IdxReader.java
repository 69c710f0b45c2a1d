package dev.cairn.plugins.datasets;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: a 4-byte magic number ({@code 0x00 0x00},
 * a type code, the number of dimensions), one big-endian int per dimension, then the values in
 * row-major order. Only unsigned bytes (type {@code 0x08}) are supported, which is what both data
 * sets use. Gzipped files are recognised by their content, not their name.
 *
 * <p>Every problem is an {@link IOException} whose message starts with the file name and says what
 * is wrong, e.g. {@code "train-images-idx3-ubyte.gz: truncated, expected 47040000 bytes of pixels,
 * found 1000"}.
 */
final class IdxReader {
  static final int UNSIGNED_BYTE = 0x08;
  private static final int BUFFER = 1 << 16;

  private IdxReader() {}

  /**
   * An IDX tensor of unsigned bytes.
   *
   * @param dims the dimensions; {@code dims[0]} is the number of items actually read
   * @param values the raw bytes, row-major; read them with {@code b & 0xFF}
   */
  record IdxData(int[] dims, byte[] values) {
    int items() {
      return dims[0];
    }

    /** Bytes per item (product of all dimensions but the first). */
    int itemSize() {
      int size = 1;
      for (int i = 1; i < dims.length; i++) {
        size *= dims[i];
      }
      return size;
    }
  }

  /**
   * Reads a whole IDX file, or its first {@code limit} items.
   *
   * @param expectedDims number of dimensions the caller expects (3 for images, 1 for labels)
   * @param what what the values are, for messages ("pixels", "labels")
   * @param limit read at most this many items; 0 reads all and checks nothing follows the data
   */
  static IdxData read(Path file, int expectedDims, String what, int limit) throws IOException {
    String name = file.getFileName().toString();
    try (InputStream in = open(file)) {
      byte[] header = new byte[4];
      readFully(in, header, name, "4 bytes of magic number");
      int magic = readInt(header, 0);
      int expectedMagic = (UNSIGNED_BYTE << 8) | expectedDims;
      if (header[0] != 0 || header[1] != 0) {
        throw new IOException(
            String.format(
                "%s: not an IDX file (magic number 0x%08X, expected 0x%08X)",
                name, magic, expectedMagic));
      }
      if ((header[2] & 0xFF) != UNSIGNED_BYTE) {
        throw new IOException(
            String.format(
                "%s: unsupported IDX value type 0x%02X; only unsigned bytes (0x08) are supported",
                name, header[2] & 0xFF));
      }
      if (header[3] != expectedDims) {
        throw new IOException(
            name + ": expected " + expectedDims + " dimensions, found " + header[3]);
      }
      byte[] dimBytes = new byte[4 * expectedDims];
      readFully(in, dimBytes, name, dimBytes.length + " bytes of dimension sizes");
      int[] dims = new int[expectedDims];
      long itemSize = 1;
      for (int i = 0; i < expectedDims; i++) {
        dims[i] = readInt(dimBytes, 4 * i);
        if (dims[i] < 0) {
          throw new IOException(name + ": negative dimension size " + dims[i]);
        }
        if (i > 0) {
          itemSize = Math.min(itemSize * dims[i], Integer.MAX_VALUE);
        }
      }
      boolean partial = limit > 0 && limit < dims[0];
      if (partial) {
        dims[0] = limit;
      }
      long total = dims[0] * itemSize;
      if (total > Integer.MAX_VALUE - 8) {
        throw new IOException(name + ": too large (dimensions " + Arrays.toString(dims) + ")");
      }
      long available = Files.size(file) - 4 - dimBytes.length;
      if (!gzipped(file) && available < total) {
        // Say so before allocating what a corrupt header may claim.
        throw truncated(name, total + " bytes of " + what, available);
      }
      byte[] values = new byte[(int) total];
      readFully(in, values, name, values.length + " bytes of " + what);
      if (!partial && in.read() != -1) {
        throw new IOException(
            name
                + ": unexpected bytes after the "
                + values.length
                + " bytes of "
                + what
                + " that dimensions "
                + Arrays.toString(dims)
                + " announce");
      }
      return new IdxData(dims, values);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "file not found");
    } catch (ZipException e) {
      throw new IOException(name + ": corrupt gzip data (" + e.getMessage() + ")", e);
    }
  }

  private static InputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
    return gzipped(file) ? new GZIPInputStream(in, BUFFER) : in;
  }

  /** Whether the file starts with gzip's magic bytes {@code 1f 8b}. */
  private static boolean gzipped(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  private static IOException truncated(String name, String expected, long found) {
    return new IOException(name + ": truncated, expected " + expected + ", found " + found);
  }

  /**
   * Fills {@code buffer}; a stream that ends early (including a gzip stream cut short) is reported
   * as truncated with the number of bytes found. {@code expected} reads like "784 bytes of pixels".
   */
  private static void readFully(InputStream in, byte[] buffer, String name, String expected)
      throws IOException {
    int off = 0;
    try {
      while (off < buffer.length) {
        int n = in.read(buffer, off, buffer.length - off);
        if (n < 0) {
          break;
        }
        off += n;
      }
    } catch (EOFException e) {
      // GZIPInputStream throws this when the compressed data stops mid-stream.
    }
    if (off < buffer.length) {
      throw truncated(name, expected, off);
    }
  }

  private static int readInt(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24)
        | ((b[off + 1] & 0xFF) << 16)
        | ((b[off + 2] & 0xFF) << 8)
        | (b[off + 3] & 0xFF);
  }
}
