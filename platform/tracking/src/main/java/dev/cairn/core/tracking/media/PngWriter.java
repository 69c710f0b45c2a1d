package dev.cairn.core.tracking.media;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Encodes 8-bit RGB pixels as PNG. Small and dependency-free (no AWT, so it works on headless
 * servers without fonts); used for sample grids and confusion matrices.
 */
public final class PngWriter {
  private PngWriter() {}

  /**
   * @param rgb {@code width * height * 3} bytes, row-major
   */
  public static byte[] rgb(int width, int height, byte[] rgb) {
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException(
          "expected " + (width * height * 3) + " RGB bytes, got " + rgb.length);
    }
    ByteArrayOutputStream raw = new ByteArrayOutputStream(height * (width * 3 + 1));
    for (int y = 0; y < height; y++) {
      raw.write(0); // filter: none
      raw.write(rgb, y * width * 3, width * 3);
    }
    Deflater deflater = new Deflater(6);
    deflater.setInput(raw.toByteArray());
    deflater.finish();
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (!deflater.finished()) {
      z.write(buf, 0, deflater.deflate(buf));
    }
    deflater.end();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height);
    ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", z.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
