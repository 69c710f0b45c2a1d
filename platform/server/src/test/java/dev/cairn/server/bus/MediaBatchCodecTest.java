package dev.cairn.server.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.tracking.media.Histogram;
import dev.cairn.core.tracking.media.MediaRecord;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediaBatchCodecTest {
  private final MediaBatchCodec codec = new MediaBatchCodec();

  private MediaBatch roundTrip(MediaBatch batch) {
    Buffer wire = Buffer.buffer().appendString("prefix"); // the event bus writes its header first
    codec.encodeToWire(wire, batch);
    return codec.decodeFromWire(6, wire);
  }

  @Test
  void everyKindOfRecordCrossesTheWireUnchanged() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff};
    Histogram h = Histogram.of(new float[] {0.5f, -1f, 2f, Float.NaN, 1.25f}, 3);
    MediaBatch batch =
        new MediaBatch(
            List.of(
                new MediaRecord.Image(
                    "r1", "samples/predictions", 3, 1700000000123L, 56, 28, "3 → 7 ✓", png),
                new MediaRecord.Image("r1", "confusion_matrix", 4, 5, 10, 10, null, new byte[0]),
                new MediaRecord.HistogramAt("r1", "weights/02Linear_weight", 2, 42, h),
                new MediaRecord.Text("r1", "notes", 7, 8, "a table\n| a | b |"),
                new MediaRecord.Graph("r1", "{\"name\":\"mlp\",\"children\":[]}")),
            "r1",
            Map.of("trainer.note", "ünïcode", "k", ""));

    MediaBatch back = roundTrip(batch);

    assertThat(back.paramsRunId()).isEqualTo("r1");
    assertThat(back.params()).isEqualTo(batch.params());
    assertThat(back.records()).hasSize(5);
    MediaRecord.Image image = (MediaRecord.Image) back.records().get(0);
    assertThat(image).usingRecursiveComparison().isEqualTo(batch.records().get(0));
    assertThat(image.png()).containsExactly(png);
    assertThat(((MediaRecord.Image) back.records().get(1)).caption()).isNull();
    MediaRecord.HistogramAt histogram = (MediaRecord.HistogramAt) back.records().get(2);
    assertThat(histogram.histogram()).usingRecursiveComparison().isEqualTo(h);
    assertThat(histogram.histogram().nonFinite()).isEqualTo(1);
    assertThat(back.records().get(3)).isEqualTo(batch.records().get(3));
    assertThat(back.records().get(4)).isEqualTo(batch.records().get(4));
  }

  @Test
  void aBatchWithoutParamsOrRecordsRoundTrips() {
    MediaBatch back = roundTrip(new MediaBatch(List.of(), null, null));
    assertThat(back.paramsRunId()).isNull();
    assertThat(back.params()).isEmpty();
    assertThat(back.records()).isEmpty();
  }

  @Test
  void anotherFormatVersionIsRefusedWithWhatToDo() {
    Buffer wire = Buffer.buffer().appendByte((byte) 9);
    assertThatThrownBy(() -> codec.decodeFromWire(0, wire))
        .hasMessageContaining("media batch format 9")
        .hasMessageContaining("same Cairn version");
  }
}
