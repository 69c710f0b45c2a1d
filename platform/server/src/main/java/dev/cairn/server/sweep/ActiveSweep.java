package dev.cairn.server.sweep;

import dev.cairn.core.sweep.Pruner;
import dev.cairn.core.sweep.Sampler;
import dev.cairn.core.sweep.SweepRecord;
import dev.cairn.core.sweep.SweepSpec;
import dev.cairn.core.sweep.TrialHistory;
import dev.cairn.core.sweep.TrialRecord;
import dev.cairn.core.sweep.TrialState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A sweep the controller is running: its spec, sampler, pruner and trials. Event-loop only. */
final class ActiveSweep {
  /** A trial as the controller tracks it; {@code record} is what was last stored. */
  static final class Trial {
    TrialRecord record;
    final TrialHistory history;
    int attempt;
    String worker;
    boolean dispatched;
    boolean requeuing;
    String pruneReason;
    Long prunedStep;
    Instant dispatchedAt;
    Instant runningAt;
    Instant firstMetricAt;
    Instant firstStoredAt;

    Trial(TrialRecord record, TrialHistory history) {
      this.record = record;
      this.history = history;
      this.attempt = record.attempts();
      this.worker = record.worker();
      this.dispatchedAt = record.dispatchedAt();
      this.runningAt = record.runningAt();
      this.firstMetricAt = record.firstMetricAt();
      this.firstStoredAt = record.firstStoredAt();
      this.prunedStep = record.prunedStep();
    }

    boolean inFlight() {
      return !record.status().done();
    }

    String runId() {
      return record.runId();
    }

    int trialNo() {
      return record.trialNo();
    }

    /** The record with the current state, timings and objective. */
    TrialRecord snapshot(TrialState status, String message, Instant endedAt) {
      Double objective = history.lastValue();
      Long objectiveStep = objective == null ? null : history.lastStep();
      return new TrialRecord(
          record.sweepId(),
          record.trialNo(),
          record.runId(),
          status,
          record.params(),
          objective,
          objectiveStep,
          prunedStep,
          attempt,
          worker,
          message,
          record.createdAt(),
          dispatchedAt,
          runningAt,
          firstMetricAt,
          firstStoredAt,
          endedAt);
    }
  }

  SweepRecord record;
  final SweepSpec spec;
  final Sampler sampler;
  final Pruner pruner;
  final Map<Integer, Trial> trials = new TreeMap<>();
  int creating;

  /** Trials that were unfinished when this sweep was loaded (retried). */
  int retried;

  boolean stopping;
  boolean ending;

  ActiveSweep(SweepRecord record, SweepSpec spec) {
    this.record = record;
    this.spec = spec;
    this.sampler = spec.sampler();
    this.pruner = spec.pruner();
  }

  Collection<TrialHistory> histories() {
    List<TrialHistory> out = new ArrayList<>();
    trials.values().forEach(t -> out.add(t.history));
    return out;
  }

  int inFlight() {
    return (int) trials.values().stream().filter(Trial::inFlight).count() + creating;
  }

  /** Trials this sweep may still create. */
  int remaining() {
    return Math.min(spec.runCap(), sampler.capacity()) - trials.size() - creating;
  }

  int nextTrialNo() {
    return trials.size() + creating + 1;
  }

  /** Queued trials not yet handed to a node, by trial number. */
  List<Trial> ready() {
    return trials.values().stream()
        .filter(t -> t.record.status() == TrialState.QUEUED && !t.dispatched)
        .toList();
  }
}
