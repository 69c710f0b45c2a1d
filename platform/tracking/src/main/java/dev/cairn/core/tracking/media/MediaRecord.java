package dev.cairn.core.tracking.media;

/**
 * A non-scalar tracking event on its way to the {@link MediaStore}: image, histogram, text or
 * graph.
 */
public sealed interface MediaRecord
    permits MediaRecord.Image, MediaRecord.HistogramAt, MediaRecord.Text, MediaRecord.Graph {
  String runId();

  /**
   * A PNG image; one per run, tag and step (a later one replaces it).
   *
   * @param caption shown under the image, may be null
   */
  record Image(
      String runId,
      String tag,
      long step,
      long wallTime,
      int width,
      int height,
      String caption,
      byte[] png)
      implements MediaRecord {}

  /** A histogram of one tensor at a step. */
  record HistogramAt(String runId, String tag, long step, long wallTime, Histogram histogram)
      implements MediaRecord {}

  /** Free text at a step, e.g. notes or sample predictions. */
  record Text(String runId, String tag, long step, long wallTime, String text)
      implements MediaRecord {}

  /** The model graph as JSON (see {@code dev.cairn.core.training.ModelGraph}); one per run. */
  record Graph(String runId, String json) implements MediaRecord {}
}
