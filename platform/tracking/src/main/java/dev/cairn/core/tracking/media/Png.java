package dev.cairn.core.tracking.media;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * Checks that bytes are a complete PNG within size limits, without decoding the pixels: the
 * signature, an IHDR first with a sane size, every chunk's CRC, and an IEND at the end.
 */
public final class Png {
  /** Largest PNG a run may log. */
  public static final int MAX_BYTES = 4 << 20;

  /** Largest width or height. */
  public static final int MAX_SIDE = 8192;

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

  private Png() {}

  /** Width and height of a checked PNG. */
  public record Size(int width, int height) {}

  /**
   * Returns the image size, or throws {@link IllegalArgumentException} saying what is wrong, e.g.
   * "image 'samples' is 5,242,880 bytes; at most 4,194,304 are allowed".
   */
  public static Size check(String tag, byte[] png) {
    if (png == null || png.length == 0) {
      throw new IllegalArgumentException("image '" + tag + "' is empty; expected PNG bytes");
    }
    if (png.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "image '%s' is %,d bytes; at most %,d are allowed",
              tag,
              png.length,
              MAX_BYTES));
    }
    if (png.length < SIGNATURE.length + 25) {
      throw new IllegalArgumentException(
          "image '" + tag + "' is not a PNG: only " + png.length + " bytes");
    }
    for (int i = 0; i < SIGNATURE.length; i++) {
      if (png[i] != SIGNATURE[i]) {
        throw new IllegalArgumentException(
            "image '" + tag + "' is not a PNG (wrong signature); only PNG is accepted");
      }
    }
    ByteBuffer buf = ByteBuffer.wrap(png);
    buf.position(SIGNATURE.length);
    int width = 0;
    int height = 0;
    boolean first = true;
    while (buf.remaining() >= 12) {
      int length = buf.getInt();
      int typeAt = buf.position();
      if (length < 0 || length > buf.remaining() - 8) {
        throw new IllegalArgumentException(
            "image '" + tag + "' is a truncated or corrupt PNG (chunk length " + length + ")");
      }
      String type = new String(png, typeAt, 4, StandardCharsets.ISO_8859_1);
      CRC32 crc = new CRC32();
      crc.update(png, typeAt, 4 + length);
      buf.position(typeAt + 4 + length);
      if ((int) crc.getValue() != buf.getInt()) {
        throw new IllegalArgumentException(
            "image '" + tag + "' is a corrupt PNG: bad CRC in chunk " + type);
      }
      if (first) {
        if (!type.equals("IHDR") || length != 13) {
          throw new IllegalArgumentException(
              "image '" + tag + "' is a corrupt PNG: it does not start with IHDR");
        }
        width = ByteBuffer.wrap(png, typeAt + 4, 8).getInt();
        height = ByteBuffer.wrap(png, typeAt + 8, 4).getInt();
        if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
          throw new IllegalArgumentException(
              "image '"
                  + tag
                  + "' is "
                  + width
                  + "x"
                  + height
                  + " pixels; each side must be 1.."
                  + MAX_SIDE);
        }
        first = false;
      }
      if (type.equals("IEND")) {
        return new Size(width, height);
      }
    }
    throw new IllegalArgumentException("image '" + tag + "' is a truncated PNG: no IEND chunk");
  }
}
