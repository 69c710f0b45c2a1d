package dev.cairn.server.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes {@link MediaBatch} by reference inside one JVM. Media are written by the node that
 * trains, so the batch never crosses the wire.
 */
public final class MediaBatchCodec implements MessageCodec<MediaBatch, MediaBatch> {
  @Override
  public void encodeToWire(Buffer buffer, MediaBatch batch) {
    throw new UnsupportedOperationException("media batches stay in the JVM that trains");
  }

  @Override
  public MediaBatch decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException("media batches stay in the JVM that trains");
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
