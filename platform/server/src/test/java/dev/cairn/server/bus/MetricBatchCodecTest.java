package dev.cairn.server.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.ScalarSeries;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricBatchCodecTest {
  private final MetricBatchCodec codec = new MetricBatchCodec();

  @Test
  void pointsAndWholeSeriesCrossTheWireUnchanged() {
    MetricBatch batch =
        new MetricBatch(
            List.of(new ScalarPoint("r1", "train/loss", 3, 1700000000123L, 0.25)),
            List.of(
                new ScalarSeries(
                    "r2",
                    "ünï/acc",
                    new long[] {0, 5, 9},
                    new long[] {1, 2, 3},
                    new double[] {Double.NaN, -0.0, 1e300}),
                new ScalarSeries("r2", "empty", new long[0], new long[0], new double[0])));
    Buffer wire = Buffer.buffer().appendString("prefix"); // the event bus writes its header first
    codec.encodeToWire(wire, batch);

    MetricBatch back = codec.decodeFromWire(6, wire);

    assertThat(back.points()).isEqualTo(batch.points());
    assertThat(back.size()).isEqualTo(4);
    assertThat(back.series()).hasSize(2);
    for (int k = 0; k < 2; k++) {
      ScalarSeries sent = batch.series().get(k);
      ScalarSeries got = back.series().get(k);
      assertThat(got.runId()).isEqualTo(sent.runId());
      assertThat(got.tag()).isEqualTo(sent.tag());
      assertThat(got.steps()).containsExactly(sent.steps());
      assertThat(got.wallTimes()).containsExactly(sent.wallTimes());
      for (int i = 0; i < sent.size(); i++) {
        assertThat(Double.doubleToRawLongBits(got.values()[i]))
            .isEqualTo(Double.doubleToRawLongBits(sent.values()[i]));
      }
    }
  }
}
