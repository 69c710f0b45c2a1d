package dev.cairn.core.tensorboard;

import dev.cairn.core.tracking.RunRecord;
import dev.cairn.core.tracking.Series;
import dev.cairn.core.tracking.SeriesSummary;
import dev.cairn.core.tracking.TrackingStore;
import dev.cairn.core.tracking.media.Histogram;
import dev.cairn.core.tracking.media.MediaStore;
import dev.cairn.core.tracking.media.MediaTags;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes one run as a TensorBoard event file: scalars as simple_value, images as encoded PNG image
 * summaries, histograms as HistogramProto, text as string tensors with the text plugin's metadata,
 * and params as the hparams plugin's experiment + session_start_info.
 */
public final class TbExporter {
  private TbExporter() {}

  /** What was written. */
  public record Result(
      Path file, long scalars, long images, long histograms, long texts, int hparams) {}

  /**
   * Exports {@code runId} into {@code outDir} (created if missing).
   *
   * @throws IllegalArgumentException when there is no such run
   */
  public static Result export(TrackingStore store, MediaStore media, String runId, Path outDir)
      throws IOException {
    RunRecord run =
        store
            .getRun(runId)
            .orElseThrow(
                () ->
                    new IllegalArgumentException("no run '" + runId + "' (cairn runs lists them)"));
    Files.createDirectories(outDir);
    double start =
        run.createdAt() == null
            ? System.currentTimeMillis() / 1000.0
            : run.createdAt().toEpochMilli() / 1000.0;
    Path file = outDir.resolve("events.out.tfevents." + (long) start + ".cairn." + runId);
    long scalars = 0;
    long images = 0;
    long histograms = 0;
    long texts = 0;
    Map<String, String> params = new TreeMap<>(store.params(runId));
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      TfRecords.write(out, TbProto.fileVersionEvent(start));
      List<String> metricTags = new ArrayList<>();
      for (SeriesSummary s : store.series(runId)) {
        metricTags.add(s.tag());
      }
      if (!params.isEmpty()) {
        for (byte[] v : TbProto.hparamsValues(params, metricTags, start)) {
          TfRecords.write(out, TbProto.summaryEvent(start, 0, v));
        }
      }
      for (String tag : metricTags) {
        Series series = store.readSeries(runId, tag, 0).orElse(null);
        if (series == null) {
          continue;
        }
        for (int i = 0; i < series.size(); i++) {
          TfRecords.write(
              out,
              TbProto.summaryEvent(
                  series.wallTimes()[i] / 1000.0,
                  series.steps()[i],
                  TbProto.scalarValue(tag, (float) series.values()[i])));
          scalars++;
        }
      }
      MediaTags tags = media.tags(runId);
      for (String tag : tags.images()) {
        for (MediaStore.ImageInfo info :
            all((limit, offset) -> media.images(runId, tag, limit, offset))) {
          byte[] png = media.imagePng(runId, tag, info.step()).orElse(null);
          if (png == null) {
            continue;
          }
          TfRecords.write(
              out,
              TbProto.summaryEvent(
                  info.wallTime() / 1000.0,
                  info.step(),
                  TbProto.imageValue(tag, info.width(), info.height(), colorspace(png), png)));
          images++;
        }
      }
      for (String tag : tags.histograms()) {
        for (MediaStore.HistogramEntry e :
            all((limit, offset) -> media.histograms(runId, tag, limit, offset))) {
          Histogram h = e.histogram();
          double[] counts = new double[h.counts().length];
          for (int i = 0; i < counts.length; i++) {
            counts[i] = h.counts()[i];
          }
          TfRecords.write(
              out,
              TbProto.summaryEvent(
                  e.wallTime() / 1000.0,
                  e.step(),
                  TbProto.histogramValue(
                      tag,
                      new TbProto.Histo(
                          h.min(),
                          h.max(),
                          h.count(),
                          h.sum(),
                          h.sumSquares(),
                          h.limits(),
                          counts))));
          histograms++;
        }
      }
      for (String tag : tags.texts()) {
        for (MediaStore.TextEntry t : media.texts(runId, tag, Integer.MAX_VALUE)) {
          TfRecords.write(
              out,
              TbProto.summaryEvent(
                  t.wallTime() / 1000.0, t.step(), TbProto.textValue(tag, t.text())));
          texts++;
        }
      }
    }
    return new Result(file, scalars, images, histograms, texts, params.size());
  }

  /** TensorBoard's colorspace from the PNG colour type: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
  static int colorspace(byte[] png) {
    if (!TbImporter.isPng(png)) {
      return 3;
    }
    return switch (png[25]) {
      case 0 -> 1;
      case 4 -> 2;
      case 6 -> 4;
      default -> 3;
    };
  }

  /** A page of a list read: at most {@code limit} entries after skipping {@code offset}. */
  @FunctionalInterface
  private interface PageRead<T> {
    List<T> read(int limit, int offset);
  }

  /** Every entry of a paged list, one page of {@link MediaStore#MAX_PAGE} at a time. */
  private static <T> List<T> all(PageRead<T> pages) {
    List<T> out = new ArrayList<>();
    while (true) {
      List<T> page = pages.read(MediaStore.MAX_PAGE, out.size());
      out.addAll(page);
      if (page.size() < MediaStore.MAX_PAGE) {
        return out;
      }
    }
  }
}
