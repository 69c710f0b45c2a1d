package dev.cairn.e2e;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * A minimal TensorBoard event writer for the CLI tests, independent of Cairn's: Event{wall_time=1,
 * step=2, summary=5{value=1{tag=1, simple_value=2}}} encoded by hand, framed as TFRecords.
 */
final class EventRecords {
  private EventRecords() {}

  static byte[] scalars(String tag, int steps) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int step = 0; step < steps; step++) {
      byte[] tagBytes = tag.getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream value = new ByteArrayOutputStream();
      value.write(0x0a);
      value.write(tagBytes.length);
      value.writeBytes(tagBytes);
      value.write(0x15);
      value.writeBytes(
          ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f / (step + 1)).array());
      ByteArrayOutputStream summary = new ByteArrayOutputStream();
      summary.write(0x0a);
      summary.write(value.size());
      summary.writeBytes(value.toByteArray());
      ByteArrayOutputStream event = new ByteArrayOutputStream();
      event.write(0x09);
      event.writeBytes(
          ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.7e9 + step).array());
      event.write(0x10);
      event.write(step);
      event.write(0x2a);
      event.write(summary.size());
      event.writeBytes(summary.toByteArray());
      byte[] data = event.toByteArray();
      byte[] header =
          ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
      out.writeBytes(header);
      out.writeBytes(le(masked(header)));
      out.writeBytes(data);
      out.writeBytes(le(masked(data)));
    }
    return out.toByteArray();
  }

  private static int masked(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    int crc = (int) c.getValue();
    return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
  }

  private static byte[] le(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }
}
