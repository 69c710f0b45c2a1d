package dev.cairn.core.tensorboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.tracking.H2TrackingStore;
import dev.cairn.core.tracking.Series;
import dev.cairn.core.tracking.media.H2MediaStore;
import dev.cairn.core.tracking.media.Histogram;
import dev.cairn.core.tracking.media.MediaStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Importing event files written by an independent writer (python3-protobuf), again, and damaged.
 */
class TbImportTest {
  @TempDir Path tmp;
  private H2TrackingStore store;
  private MediaStore media;
  private TbImporter importer;

  @BeforeAll
  static void python() {
    assumeTrue(TbPython.available(), "/usr/bin/python3 with python3-protobuf and python3-crc32c");
  }

  @BeforeEach
  void open() {
    store = H2TrackingStore.openInDirectory(tmp.resolve("data"));
    media = new H2MediaStore(store.database());
    importer = new TbImporter(store, media, store.database());
  }

  @AfterEach
  void close() {
    store.close();
  }

  private TbImporter.Summary importDir(Path dir, String experiment) {
    return importer.importOnce(dir, experiment, line -> {});
  }

  @Test
  void importsWhatThePythonWriterWrote() throws IOException {
    Path logdir = tmp.resolve("logs");
    JsonNode manifest = TbPython.script(tmp, "write", logdir);
    TbImporter.Summary s = importDir(logdir, "tb");

    assertThat(s.runIds()).containsOnlyKeys("run_a", "nested/run_b");
    assertThat(s.corrupt()).isZero();
    assertThat(s.notes()).isEmpty();
    for (Map.Entry<String, String> run : s.runIds().entrySet()) {
      assertRunMatches(run.getValue(), manifest.path("runs").path(run.getKey()));
      assertThat(store.getRun(run.getValue()).orElseThrow().name()).isEqualTo(run.getKey());
    }
  }

  /** Every scalar, image, histogram, text and param of the manifest is in the run, and no other. */
  private void assertRunMatches(String runId, JsonNode expected) {
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.path("scalars").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> tag = it.next();
      Series series = store.readSeries(runId, tag.getKey(), 0).orElseThrow();
      assertThat(series.size()).as(tag.getKey()).isEqualTo(tag.getValue().size());
      for (int i = 0; i < series.size(); i++) {
        JsonNode p = tag.getValue().get(i);
        assertThat(series.steps()[i]).isEqualTo(p.get(0).asLong());
        assertThat(series.wallTimes()[i]).isEqualTo(p.get(1).asLong());
        assertThat(series.values()[i])
            .as(tag.getKey() + " step " + i)
            .isEqualTo(p.get(2).asDouble());
      }
    }
    assertThat(store.series(runId)).hasSize(expected.path("scalars").size());
    for (JsonNode img : expected.path("images").path("samples")) {
      long step = img.get(0).asLong();
      assertThat(media.imagePng(runId, "samples", step))
          .hasValueSatisfying(
              png -> assertThat(HexFormat.of().formatHex(png)).isEqualTo(img.get(3).asText()));
    }
    assertThat(media.images(runId, "samples", MediaStore.MAX_PAGE, 0))
        .extracting(MediaStore.ImageInfo::width, MediaStore.ImageInfo::height)
        .containsOnly(Tuple.tuple(4, 3));
    List<MediaStore.HistogramEntry> histograms =
        media.histograms(runId, "weights", MediaStore.MAX_PAGE, 0);
    assertThat(histograms).hasSize(expected.path("histograms").path("weights").size());
    for (int i = 0; i < histograms.size(); i++) {
      JsonNode h = expected.path("histograms").path("weights").get(i);
      Histogram got = histograms.get(i).histogram();
      assertThat(histograms.get(i).step()).isEqualTo(h.get(0).asLong());
      assertThat(got.min()).isEqualTo(h.get(1).asDouble());
      assertThat(got.max()).isEqualTo(h.get(2).asDouble());
      assertThat(got.count()).isEqualTo(h.get(3).asLong());
      for (int b = 0; b < got.limits().length; b++) {
        assertThat(got.limits()[b]).isEqualTo(h.get(4).get(b).asDouble());
        assertThat(got.counts()[b]).isEqualTo(h.get(5).get(b).asLong());
      }
    }
    List<MediaStore.TextEntry> texts = media.texts(runId, "notes", 100);
    assertThat(texts).extracting(MediaStore.TextEntry::text).containsExactly(textsOf(expected));
    Map<String, String> params = store.params(runId);
    expected
        .path("params")
        .fields()
        .forEachRemaining(e -> assertThat(params).containsEntry(e.getKey(), e.getValue().asText()));
  }

  private static String[] textsOf(JsonNode expected) {
    JsonNode t = expected.path("texts").path("notes");
    String[] out = new String[t.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = t.get(i).get(1).asText();
    }
    return out;
  }

  @Test
  void importsWhatPyTorchsSummaryWriterWrote() throws Exception {
    // resources/tensorboard/pytorch-2.11: the real writer's files (see the README there)
    Path logdir = Path.of(TbImportTest.class.getResource("/tensorboard/pytorch-2.11/pt").toURI());
    TbImporter.Summary s = importDir(logdir, "pytorch");
    assertThat(s.corrupt()).isZero();
    assertThat(s.notes()).isEmpty();
    assertThat(s.runIds())
        .containsOnlyKeys(
            "pt", "1796391461.8740277"); // add_hparams writes a sub-run, as TensorBoard shows it
    String pt = s.runIds().get("pt");
    Series loss = store.readSeries(pt, "loss", 0).orElseThrow(); // simple_value
    Series acc =
        store
            .readSeries(pt, "acc", 0)
            .orElseThrow(); // new_style: a float tensor with the scalars plugin
    for (int step = 0; step < 10; step++) {
      assertThat(loss.steps()[step]).isEqualTo(step);
      assertThat(loss.values()[step]).isEqualTo((double) (float) (1.0 / (step + 1)));
      assertThat(acc.values()[step]).isEqualTo((double) (float) (step / 10.0));
    }
    assertThat(media.images(pt, "img", MediaStore.MAX_PAGE, 0))
        .extracting(MediaStore.ImageInfo::width, MediaStore.ImageInfo::height)
        .containsExactly(Tuple.tuple(6, 8), Tuple.tuple(6, 8));
    assertThat(media.histograms(pt, "weights", MediaStore.MAX_PAGE, 0))
        .hasSize(2)
        .allSatisfy(h -> assertThat(h.histogram().count()).isEqualTo(1000));
    assertThat(media.texts(pt, "notes/text_summary", 10))
        .extracting(MediaStore.TextEntry::text)
        .containsExactly("step 0", "step 1");
    String hp = s.runIds().get("1796391461.8740277");
    assertThat(store.params(hp))
        .containsEntry("lr", "0.1")
        .containsEntry("opt", "adam")
        .containsKey("flag");
    assertThat(store.readSeries(hp, "hparam/acc", 0).orElseThrow().values())
        .containsExactly((double) 0.9f);
  }

  @Test
  void importingAgainAppendsOnlyWhatIsNew() throws IOException {
    Path logdir = tmp.resolve("logs");
    TbPython.script(tmp, "write", logdir);
    TbImporter.Summary first = importDir(logdir, "tb");
    TbImporter.Summary again = importDir(logdir, "tb");
    assertThat(again.events()).isZero();
    assertThat(again.newRuns()).isZero();
    assertThat(again.runIds()).isEqualTo(first.runIds());

    // the writer goes on: two more steps of loss appended to run_a's file
    Path file = eventFile(logdir.resolve("run_a"));
    try (var out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
      for (long step = 20; step < 22; step++) {
        TfRecords.write(
            out,
            TbProto.summaryEvent(1_700_000_100.0 + step, step, TbProto.scalarValue("loss", step)));
      }
    }
    TbImporter.Summary third = importDir(logdir, "tb");
    assertThat(third.events()).isEqualTo(2);
    assertThat(third.scalars()).isEqualTo(2);
    Series loss = store.readSeries(first.runIds().get("run_a"), "loss", 0).orElseThrow();
    assertThat(loss.size()).isEqualTo(22);
    assertThat(loss.values()[21]).isEqualTo(21.0);
  }

  @Test
  void corruptRecordsAreSkippedAndCountedAndACutRecordWaits() throws IOException {
    Path logdir = tmp.resolve("logs");
    TbPython.script(tmp, "write", logdir);
    Path file = eventFile(logdir.resolve("run_a"));
    byte[] bytes = Files.readAllBytes(file);
    List<long[]> records = recordOffsets(bytes); // [start, length]
    // record 3: one flipped byte of data (data CRC fails); record 5: a flipped length byte (length
    // CRC fails)
    bytes[(int) (records.get(3)[0] + 12 + 2)] ^= 0x40;
    bytes[(int) records.get(5)[0]] ^= 0x01;
    // the last record cut in the middle, as by a writer still writing
    long[] last = records.get(records.size() - 1);
    int cut = (int) (last[0] + 12 + last[1] / 2);
    Files.write(file, Arrays.copyOf(bytes, cut));

    TbImporter.Summary s = importDir(logdir, "tb");
    assertThat(s.corrupt()).isEqualTo(2);
    assertThat(s.pendingBytes()).isEqualTo(cut - last[0]);
    assertThat(s.events())
        .isEqualTo(
            records.size()
                - 3
                + /* run_b */ recordOffsets(
                        Files.readAllBytes(eventFile(logdir.resolve("nested/run_b"))))
                    .size());

    // the writer finishes the record: the next import takes it, and nothing twice
    try (var out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
      out.write(bytes, cut, bytes.length - cut);
    }
    TbImporter.Summary next = importDir(logdir, "tb");
    assertThat(next.events()).isEqualTo(1);
    assertThat(next.corrupt()).isZero();
    assertThat(next.pendingBytes()).isZero();
  }

  @Test
  void emptyAndNonEventFilesGetOneLineEach() throws IOException {
    Path run = Files.createDirectories(tmp.resolve("logs/odd"));
    Files.write(run.resolve("events.out.tfevents.1.empty"), new byte[0]);
    Files.writeString(
        run.resolve("events.out.tfevents.2.text"),
        "this is not an event file at all, just some text\n");
    TbImporter.Summary s = importDir(tmp.resolve("logs"), "tb");
    assertThat(s.notes()).hasSize(2);
    assertThat(s.notes().get(0)).contains("empty file");
    assertThat(s.notes().get(1)).contains("not a TensorBoard event file");
    assertThat(s.events()).isZero();
    assertThatThrownBy(() -> importDir(tmp.resolve("missing"), "tb"))
        .isInstanceOf(TbImporter.ImportException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void roundTripCairnToEventFilesToCairn() throws IOException {
    Path logdir = tmp.resolve("logs");
    JsonNode manifest = TbPython.script(tmp, "write", logdir);
    String runId = importDir(logdir, "tb").runIds().get("run_a");

    Path out = tmp.resolve("export");
    TbExporter.Result r = TbExporter.export(store, media, runId, out);
    assertThat(r.scalars()).isEqualTo(60);
    assertThat(r.images()).isEqualTo(2);
    assertThat(r.histograms()).isEqualTo(2);
    assertThat(r.texts()).isEqualTo(2);
    assertThat(r.hparams()).isEqualTo(3);

    // the independent reader checks every CRC and sees the same data
    JsonNode read = TbPython.script(tmp, "read", out);
    JsonNode expected = manifest.path("runs").path("run_a");
    assertThat(read.path("scalars").path("loss")).isEqualTo(expected.path("scalars").path("loss"));
    assertThat(read.path("images").path("samples"))
        .isEqualTo(expected.path("images").path("samples"));
    assertThat(read.path("texts").path("notes")).isEqualTo(expected.path("texts").path("notes"));
    assertThat(read.path("hparams").toString())
        .contains("_hparams_/experiment", "_hparams_/session_start_info");
    for (int i = 0; i < 2; i++) {
      JsonNode h = read.path("histograms").path("weights").get(i);
      JsonNode e = expected.path("histograms").path("weights").get(i);
      assertThat(h.get(4)).isEqualTo(e.get(4));
      assertThat(h.get(5)).isEqualTo(e.get(5));
    }

    // and Cairn reads its own export back into a run equal to the original
    String back = importDir(out, "roundtrip").runIds().values().iterator().next();
    for (var series : store.series(runId)) {
      Series a = store.readSeries(runId, series.tag(), 0).orElseThrow();
      Series b = store.readSeries(back, series.tag(), 0).orElseThrow();
      assertThat(b.steps()).isEqualTo(a.steps());
      assertThat(b.wallTimes()).isEqualTo(a.wallTimes());
      for (int i = 0; i < a.size(); i++) {
        assertThat(b.values()[i]).isEqualTo((double) (float) a.values()[i]);
      }
    }
    assertThat(media.histograms(back, "weights", MediaStore.MAX_PAGE, 0))
        .extracting(MediaStore.HistogramEntry::histogram)
        .isEqualTo(
            media.histograms(runId, "weights", MediaStore.MAX_PAGE, 0).stream()
                .map(MediaStore.HistogramEntry::histogram)
                .toList());
    for (MediaStore.ImageInfo info : media.images(runId, "samples", MediaStore.MAX_PAGE, 0)) {
      assertThat(media.imagePng(back, "samples", info.step()).orElseThrow())
          .isEqualTo(media.imagePng(runId, "samples", info.step()).orElseThrow());
    }
    assertThat(store.params(back)).isEqualTo(store.params(runId));
  }

  static Path eventFile(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().contains("tfevents"))
          .findFirst()
          .orElseThrow();
    }
  }

  static List<long[]> recordOffsets(byte[] bytes) {
    List<long[]> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int at = 0;
    while (at + 12 <= bytes.length) {
      long len = b.getLong(at);
      out.add(new long[] {at, len});
      at += 16 + (int) len;
    }
    return out;
  }
}
