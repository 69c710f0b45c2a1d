package dev.cairn.core.tracking;

import java.util.ArrayList;
import java.util.List;

/**
 * Many points of one scalar series as parallel arrays (steps strictly increasing), the form a batch
 * arrives in from the tracking API: written to the series' open chunk in one go, without a {@link
 * ScalarPoint} per point. The arrays are not copied; the caller hands them over.
 */
public record ScalarSeries(
    String runId, String tag, long[] steps, long[] wallTimes, double[] values) {
  public ScalarSeries {
    if (steps.length != wallTimes.length || steps.length != values.length) {
      throw new IllegalArgumentException(
          "series '"
              + tag
              + "': steps, wall times and values differ in length: "
              + steps.length
              + ", "
              + wallTimes.length
              + ", "
              + values.length);
    }
  }

  public int size() {
    return steps.length;
  }

  /** The same points one by one. */
  public List<ScalarPoint> points() {
    List<ScalarPoint> out = new ArrayList<>(steps.length);
    for (int i = 0; i < steps.length; i++) {
      out.add(new ScalarPoint(runId, tag, steps[i], wallTimes[i], values[i]));
    }
    return out;
  }
}
