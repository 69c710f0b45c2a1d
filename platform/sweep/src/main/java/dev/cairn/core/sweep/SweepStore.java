package dev.cairn.core.sweep;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sweeps and their trials. Every write is durable when it returns. Blocking: call off the event
 * loop. Sweep rows are written by one controller at a time. On H2: {@link H2SweepStore}.
 */
public interface SweepStore {

  /** Stores a new RUNNING sweep. */
  SweepRecord create(SweepSpec spec, String specHash);

  Optional<SweepRecord> find(String id);

  /** The newest RUNNING sweep with this spec hash: the one a restarted `cairn sweep` resumes. */
  Optional<SweepRecord> findRunning(String specHash);

  /** Sweeps newest first, at most {@code limit}; {@code status} null for all. */
  List<SweepRecord> list(SweepStatus status, int limit);

  /** Changes a sweep's run cap and parallelism (command-line overrides on resume). */
  void updateLimits(String sweepId, int runCap, int parallel);

  /** Ends a sweep (FINISHED or STOPPED). */
  void end(String sweepId, SweepStatus status, String message);

  /** Stores a new trial or replaces it (same sweep and trial number). */
  void saveTrial(TrialRecord t);

  /** The most trials one page of {@link #trials(String, int, int)} holds. */
  int MAX_PAGE = 1000;

  /**
   * A sweep's trials by trial number: at most {@code limit} (1..{@link #MAX_PAGE}) after skipping
   * {@code offset}.
   */
  List<TrialRecord> trials(String sweepId, int limit, int offset);

  /**
   * Every trial of a sweep, by trial number, read a page at a time: for what needs them all (a
   * sweep's summary, its sampler's history on resume). A sweep has as many as its run cap.
   */
  default List<TrialRecord> allTrials(String sweepId) {
    List<TrialRecord> out = new ArrayList<>();
    while (true) {
      List<TrialRecord> page = trials(sweepId, MAX_PAGE, out.size());
      out.addAll(page);
      if (page.size() < MAX_PAGE) {
        return out;
      }
    }
  }

  /** The trial a run belongs to, if any. */
  Optional<TrialRecord> trialOfRun(String runId);

  /**
   * Puts a trial's run back to QUEUED so that it can train again under the same id (a retry after a
   * lost worker or a restart). Its stored metrics stay; the store ignores replayed steps.
   *
   * @return false when the run is missing or FINISHED
   */
  boolean requeueRun(String runId);

  /**
   * Deletes the runs of a sweep that no trial row points to: a process that died between storing a
   * trial's run and its trial row leaves such a run behind (QUEUED, never trained).
   *
   * @return how many were deleted
   */
  int deleteOrphanRuns(String sweepId);

  /** The time stamps of sweep and trial rows: now, to the microsecond the columns hold. */
  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
