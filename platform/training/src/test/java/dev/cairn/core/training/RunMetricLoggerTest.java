package dev.cairn.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.media.MediaRecord;
import dev.cairn.core.tracking.media.PngWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunMetricLoggerTest {
  private final List<ScalarPoint> scalars = new ArrayList<>();
  private final List<MediaRecord> media = new ArrayList<>();
  private final Map<String, String> params = new LinkedHashMap<>();
  private final RunMetricLogger logger =
      new RunMetricLogger(
          "run1",
          new MetricSink() {
            @Override
            public void accept(ScalarPoint point) {
              scalars.add(point);
            }

            @Override
            public void acceptMedia(MediaRecord record) {
              media.add(record);
            }

            @Override
            public void acceptParams(String runId, Map<String, String> p) {
              params.putAll(p);
            }
          });

  @Test
  void everyKindGoesToTheSink() {
    logger.logScalar("a", 1.5, 3);
    logger.logScalars(Map.of("b", 2), 4);
    logger.logParams(Map.of("note", true));
    logger.logImage("img", PngWriter.rgb(4, 3, new byte[36]), "caption", 5);
    logger.logHistogram("h", new float[] {1, 2, 3}, 6);
    logger.logText("t", "hello", 7);
    assertThat(scalars).extracting(ScalarPoint::tag).containsExactly("a", "b");
    assertThat(params).containsEntry("note", "true");
    assertThat(media).hasSize(3);
    MediaRecord.Image image = (MediaRecord.Image) media.get(0);
    assertThat(image.width()).isEqualTo(4);
    assertThat(image.height()).isEqualTo(3);
    assertThat(((MediaRecord.HistogramAt) media.get(1)).histogram().counts()).hasSize(30);
  }

  @Test
  void badInputFailsTheCallWithAClearMessageAndQueuesNothing() {
    assertThatThrownBy(() -> logger.logImage("img", new byte[] {1, 2, 3}, 1))
        .hasMessageContaining("image 'img' is not a PNG");
    assertThatThrownBy(() -> logger.logImage("img", new byte[5 << 20], 1))
        .hasMessageContaining("at most 4,194,304");
    assertThatThrownBy(() -> logger.logScalar(" ", 1, 1)).hasMessageContaining("1..255 characters");
    assertThat(media).isEmpty();
    assertThat(scalars).isEmpty();
  }

  @Test
  void sampleGridGeometryAcceptsImageShapesOnly() {
    assertThat(SampleImagesListener.imageGeometry(new long[] {1, 28, 28}))
        .containsExactly(28, 28, 1);
    assertThat(SampleImagesListener.imageGeometry(new long[] {3, 32, 32}))
        .containsExactly(32, 32, 3);
    assertThat(SampleImagesListener.imageGeometry(new long[] {784})).containsExactly(28, 28, 1);
    assertThat(SampleImagesListener.imageGeometry(new long[] {2})).isNull();
  }
}
