package dev.cairn.server.bus;

import dev.cairn.core.tracking.ScalarPoint;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes {@link MetricBatch} by reference inside a JVM and as compact binary between cluster nodes:
 * count, then per point run id, tag, step, wall time, value.
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
  }

  @Override
  public MetricBatch decodeFromWire(int pos, Buffer buffer) {
    int n = buffer.getInt(pos);
    pos += 4;
    List<ScalarPoint> points = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int runLen = buffer.getInt(pos);
      String run = buffer.getString(pos + 4, pos + 4 + runLen, StandardCharsets.UTF_8.name());
      pos += 4 + runLen;
      int tagLen = buffer.getInt(pos);
      String tag = buffer.getString(pos + 4, pos + 4 + tagLen, StandardCharsets.UTF_8.name());
      pos += 4 + tagLen;
      points.add(
          new ScalarPoint(
              run, tag, buffer.getLong(pos), buffer.getLong(pos + 8), buffer.getDouble(pos + 16)));
      pos += 24;
    }
    return new MetricBatch(points);
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
