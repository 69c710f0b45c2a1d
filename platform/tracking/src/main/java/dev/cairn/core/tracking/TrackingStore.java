package dev.cairn.core.tracking;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one storage interface for runs, params and metrics. Writes ({@link #writeScalars}, {@link
 * #flush}) come from a single writer thread; reads may come from any thread at the same time. Every
 * method blocks (JDBC): never call it on an event loop.
 */
public interface TrackingStore extends AutoCloseable {

  /**
   * Tells {@code listener} the id of each run whose record or params this store changed (created,
   * started, reopened, ended, params logged, deleted), after the change is committed; {@code null}
   * when several runs changed and which is not known. Only changes made through this instance are
   * told (another process sharing the database is not seen). Listeners must be quick: they run on
   * the writing thread. Series data is not told here (the store writer publishes its flushes).
   */
  default void onRunChanged(Consumer<String> listener) {}

  /** Stores a new run with status QUEUED and its params; returns it with its new id. */
  RunRecord createRun(NewRun run);

  /** QUEUED -> RUNNING, with the resolved device (e.g. {@code cpu}, {@code gpu(0)}). */
  void markRunning(String runId, String device);

  /**
   * FAILED or KILLED -> QUEUED, so that a run can be resumed from its last checkpoint under the
   * same id; its series keep their points and new ones are appended after them.
   *
   * @throws IllegalStateException when the run is in another state
   */
  /** The QUEUED or RUNNING runs this process created or trains (whose leases it renews). */
  default List<String> ownedRuns() {
    return List.of();
  }

  default void reopen(String runId) {
    throw new UnsupportedOperationException("this store cannot reopen runs");
  }

  /**
   * Ends a run: FINISHED, FAILED, KILLED or PRUNED, with an optional message. Flushes its open
   * chunks.
   */
  void markEnded(String runId, RunStatus status, String message);

  /** Adds or replaces params of a run. */
  void logParams(String runId, Map<String, String> params);

  /**
   * Appends points to their series. Points are kept in open in-memory chunks until {@link #flush}.
   * A point whose step is not greater than the last stored step of its series is ignored, so
   * replays never write a step twice.
   */
  void writeScalars(List<ScalarPoint> points);

  /**
   * As {@link #writeScalars}, for whole series at once (the tracking API's batches): checked whole
   * first, so a bad series stores nothing of the batch.
   */
  default void writeScalarSeries(List<ScalarSeries> series) {
    List<ScalarPoint> points = new ArrayList<>();
    series.forEach(s -> points.addAll(s.points()));
    writeScalars(points);
  }

  /** Makes every written point durable (upserts open chunks). */
  void flush();

  Optional<RunRecord> getRun(String runId);

  Page<RunRecord> listRuns(RunQuery query);

  Map<String, String> params(String runId);

  /** Every series of a run with count, step range, min, max and last value. */
  List<SeriesSummary> series(String runId);

  /**
   * Reads one tag's series of many runs at full resolution and hands each to {@code each} as it is
   * decoded (one run's points in memory at a time), in no particular order; runs without the tag
   * are skipped. The dashboard's charts of many runs read this way: one query, not one per run.
   */
  default void readSeries(Collection<String> runIds, String tag, Consumer<Series> each) {
    for (String id : runIds) {
      readSeries(id, tag, 0).ifPresent(each);
    }
  }

  /**
   * Reads a series; when it has more than {@code maxPoints} points, returns about {@code maxPoints}
   * points: per bucket of steps the min and the max (in step order), and always the last point.
   * {@code maxPoints <= 0} returns every point.
   */
  Optional<Series> readSeries(String runId, String tag, int maxPoints);

  /**
   * Marks RUNNING runs (and QUEUED sweep trials) whose owner is dead FAILED: those whose lease
   * (renewed every few seconds by the process that owns them) expired. Runs of other live processes
   * sharing the database are left alone; other QUEUED runs stay queued for {@link
   * #claimQueuedRuns}. Returns how many were failed.
   */
  int failAbandonedRuns(String message);

  /**
   * Takes over the QUEUED runs (not sweep trials) whose owner is dead, so that this process trains
   * them: their ids, oldest first, now leased by this process.
   */
  List<String> claimQueuedRuns();

  /** Deletes a run with its params and metrics; false when there was none. */
  boolean deleteRun(String runId);

  /** Flushes and closes. */
  @Override
  void close();
}
