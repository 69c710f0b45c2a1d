package dev.cairn.core.tensorboard;

import dev.cairn.core.tracking.NewRun;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.TrackingDatabase;
import dev.cairn.core.tracking.TrackingStore;
import dev.cairn.core.tracking.TrackingStoreException;
import dev.cairn.core.tracking.media.Histogram;
import dev.cairn.core.tracking.media.MediaRecord;
import dev.cairn.core.tracking.media.MediaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Imports a TensorBoard log directory: one Cairn run per directory that holds {@code
 * events.out.tfevents.*} files (named by its path relative to the log directory), with scalars
 * (simple_value and tensor summaries), images, histograms (HistogramProto and TF2's [k, 3]
 * tensors), text and the hparams plugin's session_start_info as params. Per file it records the
 * offset after the last whole record (table {@code tb_import_files}), so importing again reads only
 * what was appended. Every record's CRCs are checked; a corrupt record is skipped and counted, a
 * record cut off at the end of a file is left for the next import. Memory stays bounded: points and
 * media go to the store in batches.
 */
public final class TbImporter {
  private static final int POINT_BATCH = 5_000;
  private static final int MEDIA_BATCH = 64;

  private final TrackingStore store;
  private final MediaStore media;
  private final TrackingDatabase db;

  /** Imports into {@code store} and {@code media}; its own state lives in {@code db}'s tables. */
  public TbImporter(TrackingStore store, MediaStore media, TrackingDatabase db) {
    this.store = store;
    this.media = media;
    this.db = db;
  }

  /** What one pass imported. */
  public record Summary(
      int runs,
      int newRuns,
      int files,
      long events,
      long scalars,
      long images,
      long histograms,
      long texts,
      long params,
      long corrupt,
      long pendingBytes,
      List<String> notes,
      Map<String, String> runIds) {
    public long points() {
      return scalars + images + histograms + texts;
    }
  }

  /** Thrown for a log directory that cannot be imported at all (missing, not a directory). */
  public static final class ImportException extends RuntimeException {
    public ImportException(String message) {
      super(message);
    }
  }

  private static final class Counts {
    int runs;
    int newRuns;
    int files;
    long events;
    long scalars;
    long images;
    long histograms;
    long texts;
    long params;
    long corrupt;
    long pending;
    final List<String> notes = new ArrayList<>();
    final Map<String, String> runIds = new TreeMap<>();
  }

  /**
   * Imports what is new under {@code logdir} into {@code experiment}; {@code progress} gets a line
   * per run directory.
   */
  public Summary importOnce(Path logdir, String experiment, Consumer<String> progress) {
    return importOnce(logdir, experiment, progress, () -> false);
  }

  /**
   * As {@link #importOnce(Path, String, Consumer)}, stopping between files once {@code stop} says
   * so.
   */
  public Summary importOnce(
      Path logdir, String experiment, Consumer<String> progress, BooleanSupplier stop) {
    if (!Files.isDirectory(logdir)) {
      throw new ImportException(
          "log directory " + logdir + " does not exist or is not a directory");
    }
    Path root = logdir.toAbsolutePath().normalize();
    TreeMap<String, List<Path>> byRunDir = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(p -> p.getFileName().toString().contains("tfevents") && Files.isRegularFile(p))
          .forEach(
              p ->
                  byRunDir
                      .computeIfAbsent(runName(root, p.getParent()), k -> new ArrayList<>())
                      .add(p));
    } catch (IOException | UncheckedIOException e) {
      throw new ImportException("cannot list " + logdir + ": " + e.getMessage());
    }
    Counts counts = new Counts();
    if (byRunDir.isEmpty()) {
      counts.notes.add("no events.out.tfevents.* files under " + logdir);
    }
    int i = 0;
    for (Map.Entry<String, List<Path>> run : byRunDir.entrySet()) {
      if (stop.getAsBoolean()) {
        counts.notes.add("stopped before run directory " + run.getKey());
        break;
      }
      i++;
      long before = counts.events;
      importRun(root, run.getKey(), run.getValue().stream().sorted().toList(), experiment, counts);
      progress.accept(
          String.format(
              "[%d/%d] %s: %d new events",
              i, byRunDir.size(), run.getKey(), counts.events - before));
    }
    return new Summary(
        counts.runs,
        counts.newRuns,
        counts.files,
        counts.events,
        counts.scalars,
        counts.images,
        counts.histograms,
        counts.texts,
        counts.params,
        counts.corrupt,
        counts.pending,
        List.copyOf(counts.notes),
        Map.copyOf(counts.runIds));
  }

  private static String runName(Path root, Path dir) {
    String rel = root.relativize(dir).toString().replace('\\', '/');
    return rel.isEmpty() ? root.getFileName() == null ? "." : root.getFileName().toString() : rel;
  }

  private void importRun(
      Path root, String runName, List<Path> files, String experiment, Counts counts) {
    String runId = null;
    for (Path file : files) {
      long size;
      try {
        size = Files.size(file);
      } catch (IOException e) {
        counts.notes.add(file + ": cannot read (" + e.getMessage() + ")");
        continue;
      }
      if (size == 0) {
        counts.notes.add(file + ": empty file, nothing to import");
        continue;
      }
      if (runId == null) {
        runId = runFor(root.toString(), runName, experiment, counts);
        counts.runIds.put(runName, runId);
      }
      importFile(runId, file, size, counts);
      counts.files++;
    }
    if (runId != null) {
      counts.runs++;
    }
  }

  private String runFor(String source, String runName, String experiment, Counts counts) {
    String existing =
        sql(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT run_id FROM tb_import_runs WHERE source = ? AND run_dir = ?")) {
                ps.setString(1, source);
                ps.setString(2, runName);
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next() ? rs.getString(1) : null;
                }
              }
            });
    if (existing != null && store.getRun(existing).isPresent()) {
      return existing;
    }
    String name = runName.length() > 255 ? runName.substring(runName.length() - 255) : runName;
    String runId =
        store
            .createRun(
                new NewRun(
                    experiment,
                    name,
                    "",
                    "",
                    0,
                    "tensorboard",
                    Map.of("source", "tensorboard", "logdir", source, "run_dir", runName),
                    Map.of()))
            .id();
    store.markRunning(runId, "tensorboard");
    store.markEnded(runId, RunStatus.FINISHED, "imported from TensorBoard log directory " + source);
    write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "MERGE INTO tb_import_runs (source, run_dir, run_id) KEY (source, run_dir) VALUES (?, ?, ?)")) {
            ps.setString(1, source);
            ps.setString(2, runName);
            ps.setString(3, runId);
            ps.executeUpdate();
          }
          return null;
        });
    counts.newRuns++;
    return runId;
  }

  private void importFile(String runId, Path file, long size, Counts counts) {
    String fileName = file.getFileName().toString();
    long[] state =
        sql(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT byte_offset, events, corrupt FROM tb_import_files WHERE run_id = ? AND file_name = ?")) {
                ps.setString(1, runId);
                ps.setString(2, fileName);
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next()
                      ? new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}
                      : new long[] {0, 0, 0};
                }
              }
            });
    long offset = state[0];
    if (offset > size) {
      counts.notes.add(
          file
              + ": shorter than what was imported before ("
              + size
              + " < "
              + offset
              + " bytes); left alone");
      return;
    }
    Batch batch = new Batch(runId);
    long events = state[1];
    long corrupt = state[2];
    long okRecords = 0;
    long badHere = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (true) {
        TfRecords.Read r = TfRecords.read(ch, offset, size);
        if (r instanceof TfRecords.Ok ok) {
          TbProto.Event event;
          try {
            event = TbProto.parseEvent(ok.data());
          } catch (IOException | RuntimeException malformed) {
            badHere++;
            offset = ok.next();
            continue;
          }
          okRecords++;
          batch.add(event, counts);
          events++;
          counts.events++;
          offset = ok.next();
          if (batch.points.size() >= POINT_BATCH || batch.media.size() >= MEDIA_BATCH) {
            batch.flush();
          }
        } else if (r instanceof TfRecords.Corrupt bad) {
          badHere++;
          offset = bad.next();
        } else if (r instanceof TfRecords.Truncated t) {
          counts.pending += t.bytes();
          break;
        } else {
          break;
        }
      }
    } catch (IOException e) {
      counts.notes.add(
          file + ": read failed (" + e.getMessage() + "); imported up to byte " + offset);
    }
    batch.flush();
    if (state[0] == 0 && okRecords == 0 && badHere > 0) {
      counts.notes.add(file + ": not a TensorBoard event file (no record with valid CRCs)");
    }
    counts.corrupt += badHere;
    long end = offset;
    long ev = events;
    long cor = corrupt + badHere;
    write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "MERGE INTO tb_import_files (run_id, file_name, byte_offset, events, corrupt) KEY (run_id, file_name)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, runId);
            ps.setString(2, fileName);
            ps.setLong(3, end);
            ps.setLong(4, ev);
            ps.setLong(5, cor);
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** Points and media of one file, written in bounded batches. */
  private final class Batch {
    final String runId;
    final List<ScalarPoint> points = new ArrayList<>();
    final List<MediaRecord> media = new ArrayList<>();

    Batch(String runId) {
      this.runId = runId;
    }

    void add(TbProto.Event e, Counts counts) {
      long step = e.step();
      long wall = Math.round(e.wallTime() * 1000);
      for (TbProto.Value v : e.values()) {
        String tag =
            v.tag().isEmpty()
                ? "untagged"
                : v.tag().length() > 255 ? v.tag().substring(0, 255) : v.tag();
        String plugin = v.pluginName() == null ? "" : v.pluginName();
        if (plugin.equals("hparams")) {
          try {
            Map<String, String> hp = TbProto.parseSessionStartHparams(v.pluginContent());
            if (hp != null && !hp.isEmpty()) {
              store.logParams(runId, hp);
              counts.params += hp.size();
            }
          } catch (IOException malformed) {
            counts.notes.add("run " + runId + ": unreadable hparams data at step " + step);
          }
        } else if (v.simpleValue() != null) {
          points.add(new ScalarPoint(runId, tag, step, wall, v.simpleValue()));
          counts.scalars++;
        } else if (v.image() != null) {
          addImage(
              tag, step, wall, v.image().width(), v.image().height(), v.image().encoded(), counts);
        } else if (v.histo() != null) {
          TbProto.Histo h = v.histo();
          long[] c = new long[h.bucket().length];
          for (int i = 0; i < c.length; i++) {
            c[i] = Math.round(h.bucket()[i]);
          }
          double[] limits =
              h.bucketLimit().length == c.length
                  ? h.bucketLimit()
                  : Arrays.copyOf(h.bucketLimit(), c.length);
          media.add(
              new MediaRecord.HistogramAt(
                  runId,
                  tag,
                  step,
                  wall,
                  new Histogram(
                      h.min(),
                      h.max(),
                      Math.round(h.num()),
                      h.sum(),
                      h.sumSquares(),
                      limits,
                      c,
                      0)));
          counts.histograms++;
        } else if (v.tensor() != null) {
          addTensor(tag, plugin, step, wall, v.tensor(), counts);
        }
      }
    }

    private void addTensor(
        String tag, String plugin, long step, long wall, TbProto.Tensor t, Counts counts) {
      switch (plugin) {
        case "text" -> {
          List<String> parts = new ArrayList<>();
          for (byte[] s : t.strings()) {
            parts.add(new String(s, StandardCharsets.UTF_8));
          }
          media.add(new MediaRecord.Text(runId, tag, step, wall, String.join("\n", parts)));
          counts.texts++;
        }
        case "images" -> {
          // TF2: a string tensor [width, height, png...]
          List<byte[]> s = t.strings();
          for (int i = 2; i < s.size(); i++) {
            int w = parseInt(s.get(0));
            int h = parseInt(s.get(1));
            addImage(s.size() > 3 ? tag + "/" + (i - 2) : tag, step, wall, w, h, s.get(i), counts);
          }
        }
        case "histograms" -> {
          // TF2: a double tensor [k, 3] of (left edge, right edge, count)
          double[] d = t.allNumbers();
          int k = d.length / 3;
          if (k == 0) {
            return;
          }
          double[] limits = new double[k];
          long[] c = new long[k];
          long n = 0;
          double sum = 0;
          double sumSq = 0;
          for (int i = 0; i < k; i++) {
            limits[i] = d[i * 3 + 1];
            c[i] = Math.round(d[i * 3 + 2]);
            double centre = (d[i * 3] + d[i * 3 + 1]) / 2;
            n += c[i];
            sum += centre * c[i];
            sumSq += centre * centre * c[i];
          }
          media.add(
              new MediaRecord.HistogramAt(
                  runId,
                  tag,
                  step,
                  wall,
                  new Histogram(d[0], d[(k - 1) * 3 + 1], n, sum, sumSq, limits, c, 0)));
          counts.histograms++;
        }
        default -> {
          Double value = t.scalar();
          if (value != null && t.strings().isEmpty()) {
            points.add(new ScalarPoint(runId, tag, step, wall, value));
            counts.scalars++;
          }
        }
      }
    }

    private void addImage(
        String tag, long step, long wall, int width, int height, byte[] encoded, Counts counts) {
      if (!isPng(encoded)) {
        counts.notes.add(
            "run " + runId + ": image '" + tag + "' at step " + step + " is not a PNG; skipped");
        return;
      }
      if (width <= 0 || height <= 0) {
        width = pngInt(encoded, 16);
        height = pngInt(encoded, 20);
      }
      media.add(new MediaRecord.Image(runId, tag, step, wall, width, height, null, encoded));
      counts.images++;
    }

    void flush() {
      if (!points.isEmpty()) {
        store.writeScalars(List.copyOf(points));
        points.clear();
      }
      store.flush();
      if (!media.isEmpty()) {
        TbImporter.this.media.write(List.copyOf(media));
        media.clear();
      }
    }
  }

  static boolean isPng(byte[] b) {
    return b.length > 24 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
  }

  static int pngInt(byte[] b, int at) {
    return ((b[at] & 0xff) << 24)
        | ((b[at + 1] & 0xff) << 16)
        | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }

  private static int parseInt(byte[] s) {
    try {
      return Integer.parseInt(new String(s, StandardCharsets.US_ASCII).trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private <T> T sql(TrackingDatabase.Work<T> work) {
    try {
      return db.read(work);
    } catch (SQLException e) {
      throw new TrackingStoreException("TensorBoard import state: " + e.getMessage(), e);
    }
  }

  private <T> T write(TrackingDatabase.Work<T> work) {
    try {
      return db.write(work);
    } catch (SQLException e) {
      throw new TrackingStoreException("TensorBoard import state: " + e.getMessage(), e);
    }
  }
}
