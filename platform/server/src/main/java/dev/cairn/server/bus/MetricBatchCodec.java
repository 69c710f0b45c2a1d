package dev.cairn.server.bus;

import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.ScalarSeries;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes {@link MetricBatch} by reference inside a JVM and as compact binary between cluster nodes:
 * count, then per point run id, tag, step, wall time, value; then the series count, and per series
 * run id, tag, point count and per point step, wall time, value.
 */
public final class MetricBatchCodec implements MessageCodec<MetricBatch, MetricBatch> {
  @Override
  public void encodeToWire(Buffer buffer, MetricBatch batch) {
    buffer.appendInt(batch.points().size());
    for (ScalarPoint p : batch.points()) {
      appendString(buffer, p.runId());
      appendString(buffer, p.tag());
      buffer.appendLong(p.step()).appendLong(p.wallTimeMillis()).appendDouble(p.value());
    }
    buffer.appendInt(batch.series().size());
    for (ScalarSeries s : batch.series()) {
      appendString(buffer, s.runId());
      appendString(buffer, s.tag());
      buffer.appendInt(s.size());
      for (int i = 0; i < s.size(); i++) {
        buffer.appendLong(s.steps()[i]).appendLong(s.wallTimes()[i]).appendDouble(s.values()[i]);
      }
    }
  }

  @Override
  public MetricBatch decodeFromWire(int pos, Buffer buffer) {
    int n = buffer.getInt(pos);
    pos += 4;
    List<ScalarPoint> points = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String run = readString(buffer, pos);
      pos += 4 + buffer.getInt(pos);
      String tag = readString(buffer, pos);
      pos += 4 + buffer.getInt(pos);
      points.add(
          new ScalarPoint(
              run, tag, buffer.getLong(pos), buffer.getLong(pos + 8), buffer.getDouble(pos + 16)));
      pos += 24;
    }
    int count = buffer.getInt(pos);
    pos += 4;
    List<ScalarSeries> series = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      String run = readString(buffer, pos);
      pos += 4 + buffer.getInt(pos);
      String tag = readString(buffer, pos);
      pos += 4 + buffer.getInt(pos);
      int size = buffer.getInt(pos);
      pos += 4;
      long[] steps = new long[size];
      long[] walls = new long[size];
      double[] values = new double[size];
      for (int i = 0; i < size; i++) {
        steps[i] = buffer.getLong(pos);
        walls[i] = buffer.getLong(pos + 8);
        values[i] = buffer.getDouble(pos + 16);
        pos += 24;
      }
      series.add(new ScalarSeries(run, tag, steps, walls, values));
    }
    return new MetricBatch(points, series);
  }

  /** The string {@link #appendString} wrote at {@code pos}; it takes 4 + its length bytes. */
  private static String readString(Buffer buffer, int pos) {
    int length = buffer.getInt(pos);
    return buffer.getString(pos + 4, pos + 4 + length, StandardCharsets.UTF_8.name());
  }

  private static void appendString(Buffer buffer, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  @Override
  public MetricBatch transform(MetricBatch batch) {
    return batch; // immutable
  }

  @Override
  public String name() {
    return "cairn-metric-batch";
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
