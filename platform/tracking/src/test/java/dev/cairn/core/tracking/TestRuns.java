package dev.cairn.core.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test data for the tracking store tests. */
final class TestRuns {
  private TestRuns() {}

  static NewRun newRun(String experiment, String name) {
    return new NewRun(
        experiment,
        name,
        "dataset: fashion-mnist\nmodel: mlp\n",
        "ab12",
        42,
        "auto",
        Map.of("java", "17", "djl", "0.35.1"),
        Map.of("optimizer.lr", "0.1", "batch", "64"));
  }

  /** Points of one series with steps from, from + 1, ...; values are a deterministic wave. */
  static List<ScalarPoint> points(String runId, String tag, long from, int count) {
    List<ScalarPoint> points = new ArrayList<>(count);
    for (long step = from; step < from + count; step++) {
      points.add(new ScalarPoint(runId, tag, step, 1_700_000_000_000L + step * 37, value(step)));
    }
    return points;
  }

  static double value(long step) {
    return Math.sin(step * 0.001) * 3.0 + 1.0 / (step + 1.0);
  }
}
