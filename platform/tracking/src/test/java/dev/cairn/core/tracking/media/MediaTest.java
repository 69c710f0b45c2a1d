package dev.cairn.core.tracking.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.tracking.H2TrackingStore;
import dev.cairn.core.tracking.NewRun;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class MediaTest {
  @Test
  void histogramHasThirtyEqualBucketsAndTensorBoardsStatistics() {
    float[] values = new float[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = i / 999f;
    }
    Histogram h = Histogram.of(values, Histogram.DEFAULT_BUCKETS);
    assertThat(h.counts()).hasSize(30);
    assertThat(Arrays.stream(h.counts()).sum()).isEqualTo(1000);
    assertThat(h.min()).isZero();
    assertThat(h.max()).isEqualTo(1.0);
    assertThat(h.limits()[29]).isEqualTo(1.0);
    assertThat(h.limits()[0]).isCloseTo(1 / 30.0, Offset.offset(1e-9));
    assertThat(h.sum()).isCloseTo(500, Offset.offset(1e-3));
    assertThat(h.count()).isEqualTo(1000);

    Histogram constant = Histogram.of(new float[] {2, 2, Float.NaN}, 30);
    assertThat(constant.left()).isEqualTo(1.5);
    assertThat(constant.nonFinite()).isEqualTo(1);
    assertThat(Arrays.stream(constant.counts()).sum()).isEqualTo(2);
  }

  @Test
  void pngsAreCheckedWithoutDecoding() {
    byte[] png = PngWriter.rgb(3, 2, new byte[18]);
    assertThat(Png.check("x", png)).isEqualTo(new Png.Size(3, 2));
    assertThatThrownBy(() -> Png.check("x", "GIF89a-not-a-png-at-all-but-long-enough".getBytes()))
        .hasMessageContaining("image 'x' is not a PNG");
    byte[] truncated = Arrays.copyOf(png, png.length - 12);
    assertThatThrownBy(() -> Png.check("x", truncated)).hasMessageContaining("truncated");
    byte[] corrupt = png.clone();
    corrupt[40] ^= 0x55;
    assertThatThrownBy(() -> Png.check("x", corrupt)).hasMessageContaining("corrupt");
    assertThatThrownBy(() -> Png.check("big", new byte[Png.MAX_BYTES + 1]))
        .hasMessageContaining("at most 4,194,304");
  }

  @Test
  void mediaStoreKeepsEveryKindAndDeletesWithTheRun() {
    try (H2TrackingStore store =
        H2TrackingStore.open(
            "jdbc:h2:mem:media" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "")) {
      String run = store.createRun(new NewRun("e", "r", "", "", 1, "cpu", Map.of(), Map.of())).id();
      MediaStore media = new H2MediaStore(store.database());
      byte[] png = PngWriter.rgb(2, 2, new byte[12]);
      media.write(
          List.of(
              new MediaRecord.Image(run, "samples", 1, 10, 2, 2, "a → b", png),
              new MediaRecord.Image(run, "samples", 2, 20, 2, 2, null, png),
              new MediaRecord.HistogramAt(
                  run, "weights/w", 1, 10, Histogram.of(new float[] {1, 2, 3}, 30)),
              new MediaRecord.Text(run, "notes", 1, 10, "hello"),
              new MediaRecord.Graph(run, "{\"name\":\"model\"}"),
              new MediaRecord.Text("vanished", "notes", 1, 10, "dropped, not fatal")));
      assertThat(media.tags(run))
          .isEqualTo(
              new MediaTags(List.of("samples"), List.of("weights/w"), List.of("notes"), true));
      assertThat(media.images(run, "samples", MediaStore.MAX_PAGE, 0))
          .extracting(MediaStore.ImageInfo::step)
          .containsExactly(1L, 2L);
      assertThat(media.images(run, "samples", 1, 1))
          .extracting(MediaStore.ImageInfo::step)
          .containsExactly(2L);
      assertThat(media.images(run, "samples", 1, 2)).isEmpty();
      assertThatThrownBy(() -> media.images(run, "samples", MediaStore.MAX_PAGE + 1, 0))
          .hasMessageContaining("a page is 1..10000 entries");
      assertThat(media.imagePng(run, "samples", 2)).get().isEqualTo(png);
      assertThat(
              media.histograms(run, "weights/w", MediaStore.MAX_PAGE, 0).get(0).histogram().count())
          .isEqualTo(3);
      assertThat(media.texts(run, "notes", 10))
          .extracting(MediaStore.TextEntry::text)
          .containsExactly("hello");
      assertThat(media.graph(run)).contains("{\"name\":\"model\"}");
      assertThat(media.setNotes(run, new RunNotes(List.of("best"), "note"))).isTrue();
      assertThat(media.setNotes("nosuchrun", RunNotes.EMPTY)).isFalse();
      assertThat(media.notes(List.of(run, "other"))).containsOnlyKeys(run);

      store.deleteRun(run);
      assertThat(media.tags(run)).isEqualTo(new MediaTags(List.of(), List.of(), List.of(), false));
      assertThat(media.notes(List.of(run))).isEmpty();
    }
  }
}
