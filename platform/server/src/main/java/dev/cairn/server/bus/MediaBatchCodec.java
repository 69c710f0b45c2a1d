package dev.cairn.server.bus;

import dev.cairn.core.tracking.media.Histogram;
import dev.cairn.core.tracking.media.MediaRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Passes {@link MediaBatch} by reference inside one JVM, and as binary from a cluster worker to the
 * head's {@link MediaWriterVerticle}: a format version, the late params (run id or -1, then
 * key/value pairs), then each record as a kind byte and its fields; strings as UTF-8 with an int
 * length (-1 for null), PNGs as an int length and their bytes.
 */
public final class MediaBatchCodec implements MessageCodec<MediaBatch, MediaBatch> {
  private static final byte VERSION = 1;
  private static final byte IMAGE = 1;
  private static final byte HISTOGRAM = 2;
  private static final byte TEXT = 3;
  private static final byte GRAPH = 4;

  @Override
  public void encodeToWire(Buffer buffer, MediaBatch batch) {
    buffer.appendByte(VERSION);
    putString(buffer, batch.paramsRunId());
    buffer.appendInt(batch.params().size());
    batch
        .params()
        .forEach(
            (k, v) -> {
              putString(buffer, k);
              putString(buffer, v);
            });
    buffer.appendInt(batch.records().size());
    for (MediaRecord r : batch.records()) {
      if (r instanceof MediaRecord.Image i) {
        buffer.appendByte(IMAGE);
        putString(buffer, i.runId());
        putString(buffer, i.tag());
        buffer
            .appendLong(i.step())
            .appendLong(i.wallTime())
            .appendInt(i.width())
            .appendInt(i.height());
        putString(buffer, i.caption());
        buffer.appendInt(i.png().length).appendBytes(i.png());
      } else if (r instanceof MediaRecord.HistogramAt h) {
        buffer.appendByte(HISTOGRAM);
        putString(buffer, h.runId());
        putString(buffer, h.tag());
        buffer.appendLong(h.step()).appendLong(h.wallTime());
        Histogram g = h.histogram();
        buffer
            .appendDouble(g.min())
            .appendDouble(g.max())
            .appendLong(g.count())
            .appendDouble(g.sum())
            .appendDouble(g.sumSquares())
            .appendLong(g.nonFinite())
            .appendInt(g.limits().length);
        for (int k = 0; k < g.limits().length; k++) {
          buffer.appendDouble(g.limits()[k]).appendLong(g.counts()[k]);
        }
      } else if (r instanceof MediaRecord.Text t) {
        buffer.appendByte(TEXT);
        putString(buffer, t.runId());
        putString(buffer, t.tag());
        buffer.appendLong(t.step()).appendLong(t.wallTime());
        putString(buffer, t.text());
      } else if (r instanceof MediaRecord.Graph g) {
        buffer.appendByte(GRAPH);
        putString(buffer, g.runId());
        putString(buffer, g.json());
      }
    }
  }

  @Override
  public MediaBatch decodeFromWire(int pos, Buffer buffer) {
    Reader in = new Reader(buffer, pos);
    byte version = in.getByte();
    if (version != VERSION) {
      throw new IllegalStateException(
          "media batch format "
              + version
              + " from another Cairn version; this node reads "
              + VERSION
              + ": run the same Cairn version on the head and the workers");
    }
    String paramsRunId = in.getString();
    int paramCount = in.getInt();
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < paramCount; i++) {
      params.put(in.getString(), in.getString());
    }
    int n = in.getInt();
    List<MediaRecord> records = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte kind = in.getByte();
      switch (kind) {
        case IMAGE -> {
          String run = in.getString();
          String tag = in.getString();
          long step = in.getLong();
          long wall = in.getLong();
          int width = in.getInt();
          int height = in.getInt();
          String caption = in.getString();
          records.add(
              new MediaRecord.Image(run, tag, step, wall, width, height, caption, in.getBytes()));
        }
        case HISTOGRAM -> {
          String run = in.getString();
          String tag = in.getString();
          long step = in.getLong();
          long wall = in.getLong();
          double min = in.getDouble();
          double max = in.getDouble();
          long count = in.getLong();
          double sum = in.getDouble();
          double sumSquares = in.getDouble();
          long nonFinite = in.getLong();
          int buckets = in.getInt();
          double[] limits = new double[buckets];
          long[] counts = new long[buckets];
          for (int k = 0; k < buckets; k++) {
            limits[k] = in.getDouble();
            counts[k] = in.getLong();
          }
          records.add(
              new MediaRecord.HistogramAt(
                  run,
                  tag,
                  step,
                  wall,
                  new Histogram(min, max, count, sum, sumSquares, limits, counts, nonFinite)));
        }
        case TEXT -> {
          String run = in.getString();
          String tag = in.getString();
          long step = in.getLong();
          long wall = in.getLong();
          records.add(new MediaRecord.Text(run, tag, step, wall, in.getString()));
        }
        case GRAPH -> records.add(new MediaRecord.Graph(in.getString(), in.getString()));
        default -> throw new IllegalStateException("unknown media record kind " + kind);
      }
    }
    return new MediaBatch(records, paramsRunId, params);
  }

  private static void putString(Buffer buffer, String s) {
    if (s == null) {
      buffer.appendInt(-1);
      return;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  /** Reads the wire format from a position on. */
  private static final class Reader {
    private final Buffer buffer;
    private int pos;

    Reader(Buffer buffer, int pos) {
      this.buffer = buffer;
      this.pos = pos;
    }

    byte getByte() {
      return buffer.getByte(pos++);
    }

    int getInt() {
      int v = buffer.getInt(pos);
      pos += 4;
      return v;
    }

    long getLong() {
      long v = buffer.getLong(pos);
      pos += 8;
      return v;
    }

    double getDouble() {
      double v = buffer.getDouble(pos);
      pos += 8;
      return v;
    }

    String getString() {
      int len = getInt();
      if (len < 0) {
        return null;
      }
      String s = buffer.getString(pos, pos + len, StandardCharsets.UTF_8.name());
      pos += len;
      return s;
    }

    byte[] getBytes() {
      int len = getInt();
      byte[] bytes = buffer.getBytes(pos, pos + len);
      pos += len;
      return bytes;
    }
  }

  @Override
  public MediaBatch transform(MediaBatch batch) {
    return batch; // immutable
  }

  @Override
  public String name() {
    return "cairn-media-batch";
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
