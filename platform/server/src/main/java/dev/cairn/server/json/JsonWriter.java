package dev.cairn.server.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A streamed JSON answer: Jackson's {@link JsonGenerator} writing UTF-8 straight into a Vert.x
 * {@link Buffer}, for answers too large to build as a {@code JsonObject} first (chart series,
 * exports). Small answers use {@code JsonObject} / {@link JsonMapping} instead; nothing in Cairn
 * builds JSON text by hand.
 *
 * <p>Numbers: {@link #number(double)} writes NaN and infinities as {@code null} (the dashboard
 * draws a gap) and integral values without a fraction; {@link #chartValue(double)} rounds to float
 * precision for charts. Calls chain; an {@link IOException} cannot happen on a memory buffer and is
 * rethrown unchecked.
 */
public final class JsonWriter {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private final Buffer buffer;
  private final JsonGenerator gen;

  private JsonWriter(int sizeHint) {
    buffer = Buffer.buffer(Math.max(256, sizeHint));
    try {
      gen = FACTORY.createGenerator(new BufferStream(buffer));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A writer whose buffer starts at about {@code sizeHint} bytes. */
  public static JsonWriter create(int sizeHint) {
    return new JsonWriter(sizeHint);
  }

  public JsonWriter startObject() {
    try {
      gen.writeStartObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public JsonWriter endObject() {
    try {
      gen.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public JsonWriter startArray() {
    try {
      gen.writeStartArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public JsonWriter endArray() {
    try {
      gen.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** The name of the next field of the current object. */
  public JsonWriter field(String name) {
    try {
      gen.writeFieldName(name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** A string, or {@code null}. */
  public JsonWriter string(String s) {
    try {
      gen.writeString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public JsonWriter number(long v) {
    try {
      gen.writeNumber(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public JsonWriter bool(boolean v) {
    try {
      gen.writeBoolean(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Every digit of {@code v} ({@code 3} for 3.0), or {@code null} for NaN and infinities. */
  public JsonWriter number(double v) {
    try {
      if (!Double.isFinite(v)) {
        gen.writeNull();
      } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
        gen.writeNumber((long) v);
      } else {
        gen.writeNumber(v);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /**
   * A chart's value to float precision (7 significant digits: far finer than a pixel, half the
   * bytes); {@code null} for NaN and infinities, every digit beyond float range.
   */
  public JsonWriter chartValue(double v) {
    if (!Double.isFinite(v) || Math.abs(v) > Float.MAX_VALUE) {
      return number(v);
    }
    float f = (float) v;
    try {
      if (f == Math.rint(f) && Math.abs(f) < 1e7) {
        gen.writeNumber((long) f);
      } else {
        gen.writeNumber(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** The first {@code n} of {@code values} as an array. */
  public JsonWriter numbers(long[] values, int n) {
    startArray();
    for (int i = 0; i < n; i++) {
      number(values[i]);
    }
    return endArray();
  }

  /** The first {@code n} of {@code values} as an array, to float precision or every digit. */
  public JsonWriter numbers(double[] values, int n, boolean everyDigit) {
    startArray();
    for (int i = 0; i < n; i++) {
      if (everyDigit) {
        number(values[i]);
      } else {
        chartValue(values[i]);
      }
    }
    return endArray();
  }

  /** A plain double as Java prints it ({@code 0.0}, {@code 0.6}); for parameters, not data. */
  public JsonWriter plain(double v) {
    try {
      gen.writeNumber(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public JsonWriter nullValue() {
    try {
      gen.writeNull();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /**
   * A value already encoded by Jackson (a {@code JsonObject}'s {@code encode()}), written as it is:
   * for answers that repeat a cached part, such as the runs table's rows.
   */
  public JsonWriter encoded(String json) {
    try {
      gen.writeRawValue(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** The fields of a {@code JsonObject}'s map, written as Vert.x would, into the open object. */
  public JsonWriter fields(Map<String, Object> fields) {
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      field(e.getKey());
      JacksonCodec.encodeJson(e.getValue(), gen);
    }
    return this;
  }

  /** The finished answer; call once, after the last end. */
  public Buffer toBuffer() {
    try {
      gen.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer;
  }

  /** Jackson flushes its own 8 kB chunks here. */
  private static final class BufferStream extends OutputStream {
    private final Buffer buffer;

    BufferStream(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      buffer.appendBytes(b, off, len);
    }
  }
}
