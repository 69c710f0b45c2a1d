package dev.cairn.server.cli;

import dev.cairn.core.sweep.GridSampler;
import dev.cairn.core.sweep.SweepMethod;
import dev.cairn.core.sweep.SweepSpec;
import dev.cairn.core.sweep.TrialRecord;
import dev.cairn.core.sweep.TrialState;
import dev.cairn.core.sweep.ValueKeys;
import dev.cairn.core.tracking.SeriesSummary;
import dev.cairn.server.Platform;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The live lines of {@code cairn sweep}: which grid points a capped grid covers, a line per trial
 * whenever its metric gets a new point (trial n of the cap, epoch, the metric so far, its params),
 * and the best trial so far after each trial ends.
 */
final class SweepProgress {
  private final PrintStream out;
  private final Platform platform;
  private final String sweepId;
  private final SweepSpec spec;
  private final Map<String, Long> lastStepSeen = new HashMap<>();
  private int runCap;
  private Double best;
  private String bestTrial;

  SweepProgress(PrintStream out, Platform platform, String sweepId, SweepSpec spec) {
    this.out = out;
    this.platform = platform;
    this.sweepId = sweepId;
    this.spec = spec;
  }

  /** For a grid larger than the run cap: says which points the capped sweep covers. */
  void describeGrid(int runCap) {
    this.runCap = runCap;
    if (spec.method() != SweepMethod.GRID) {
      return;
    }
    GridSampler grid = new GridSampler(spec.parameters());
    if (grid.size() <= runCap) {
      return;
    }
    out.printf(
        Locale.ROOT,
        "the grid has %d points; a run cap of %d covers the first %d in grid order (the last parameter varies fastest)%s%n",
        grid.size(),
        runCap,
        runCap,
        runCap <= 8 ? ":" : "; raise --run-cap to cover them all");
    for (int i = 0; i < runCap && runCap <= 8; i++) {
      out.printf(
          "  %d: %s%n", i + 1, new JsonObject(ValueKeys.toJson(grid.combination(i))).encode());
    }
    out.flush();
  }

  /** Prints a line for every running trial whose metric has a new point since the last call. */
  void poll() {
    List<TrialRecord> trials = platform.sweeps().allTrials(sweepId);
    for (TrialRecord t : trials) {
      if (t.status() != TrialState.RUNNING || t.runId() == null) {
        continue;
      }
      SeriesSummary s =
          platform.store().series(t.runId()).stream()
              .filter(x -> x.tag().equals(spec.metric()))
              .findFirst()
              .orElse(null);
      if (s == null
          || s.count() == 0
          || Long.valueOf(s.lastStep()).equals(lastStepSeen.get(t.runId()))) {
        continue;
      }
      lastStepSeen.put(t.runId(), s.lastStep());
      out.printf(
          Locale.ROOT,
          "  trial %d/%d  run %s  %s %d  %s %s  %s%s%n",
          t.trialNo(),
          runCap,
          t.runId(),
          spec.metric().startsWith("epoch/") ? "epoch" : "step",
          s.lastStep(),
          spec.metric(),
          ConsoleProgress.fmt(s.lastValue()),
          new JsonObject(ValueKeys.toJson(t.params())).encode(),
          best == null
              ? ""
              : "  (best so far " + ConsoleProgress.fmt(best) + ", " + bestTrial + ")");
    }
    out.flush();
  }

  /** After a trial's end line: the best finished trial so far. */
  void trialEnded(JsonObject e) {
    Double value = e.getDouble("objective");
    if ("FINISHED".equals(e.getString("status"))
        && value != null
        && !value.isNaN()
        && (best == null || spec.goal().bestFirst().compare(value, best) < 0)) {
      best = value;
      bestTrial = "trial " + e.getInteger("trialNo") + ", run " + e.getString("runId");
    }
    if (best != null) {
      out.printf(
          Locale.ROOT,
          "best so far: %s %s (%s)%n",
          spec.metric(),
          ConsoleProgress.fmt(best),
          bestTrial);
      out.flush();
    }
  }
}
