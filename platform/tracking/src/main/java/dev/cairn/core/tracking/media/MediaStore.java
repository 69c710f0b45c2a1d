package dev.cairn.core.tracking.media;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Images, histograms, text, model graphs and run notes of runs. Writes come in batches from one
 * writer; reads from any thread. Every method blocks (JDBC): never call it on an event loop. On H2:
 * {@link H2MediaStore}.
 */
public interface MediaStore {

  /** An image's metadata, without its bytes. */
  record ImageInfo(String tag, long step, long wallTime, int width, int height, String caption) {}

  /** A text entry. */
  record TextEntry(long step, long wallTime, String text) {}

  /** A histogram at a step. */
  record HistogramEntry(long step, long wallTime, Histogram histogram) {}

  /**
   * Stores a batch in one transaction; it reaches the disk within the database's write delay (under
   * a second). Records of runs that no longer exist (deleted while training) are dropped with a
   * warning; the rest are kept.
   */
  void write(List<MediaRecord> records);

  /** As {@link #write}, and on disk when it returns: for records a client is answered about. */
  void writeDurably(List<MediaRecord> records);

  /** The image, histogram and text tags of a run, and whether it has a graph. */
  MediaTags tags(String runId);

  /** {@link #tags(String)} of many runs at once (the dashboard's tag list of selected runs). */
  Map<String, MediaTags> tags(Collection<String> runIds);

  /** The most entries one page of {@link #images} or {@link #histograms} holds. */
  int MAX_PAGE = 10_000;

  /**
   * Images of a tag in step order, without their bytes: at most {@code limit} (1..{@link
   * #MAX_PAGE}) after skipping {@code offset}.
   */
  List<ImageInfo> images(String runId, String tag, int limit, int offset);

  /** The PNG bytes of one image. */
  Optional<byte[]> imagePng(String runId, String tag, long step);

  /**
   * Histograms of a tag in step order: at most {@code limit} (1..{@link #MAX_PAGE}) after skipping
   * {@code offset}.
   */
  List<HistogramEntry> histograms(String runId, String tag, int limit, int offset);

  /** Text entries of a tag in step order, at most {@code limit}, the newest kept. */
  List<TextEntry> texts(String runId, String tag, int limit);

  /** The model graph JSON of a run. */
  Optional<String> graph(String runId);

  /** Tags and notes of the given runs; runs without any are left out. */
  Map<String, RunNotes> notes(Collection<String> runIds);

  /** Replaces a run's tags and notes; false when the run does not exist. */
  boolean setNotes(String runId, RunNotes notes);
}
