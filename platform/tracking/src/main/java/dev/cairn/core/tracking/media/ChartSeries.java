package dev.cairn.core.tracking.media;

import dev.cairn.core.tracking.Series;
import dev.cairn.core.tracking.TrackingStore;
import dev.cairn.core.tracking.internal.Downsampler;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One run's line of a dashboard chart: raw and smoothed values, where smoothing is computed on the
 * full-resolution series first and the step window and min/max downsampling are applied after, so
 * the smoothed value at a step never depends on the zoom or on how many points the chart asked for.
 *
 * @param totalPoints points stored for the series
 * @param windowPoints points inside the requested step window (before downsampling)
 * @param downsampled true when fewer than {@code windowPoints} points are returned
 */
public record ChartSeries(
    String runId,
    String tag,
    long[] steps,
    long[] wallTimes,
    double[] values,
    double[] smoothed,
    long totalPoints,
    int windowPoints,
    boolean downsampled) {

  public int size() {
    return steps.length;
  }

  /**
   * Reads a series for a chart.
   *
   * @param maxPoints at most about this many points; 0 = all in the window
   * @param weight smoothing weight in [0, 1)
   * @param fromStep first step of the window (inclusive), or {@code Long.MIN_VALUE}
   * @param toStep last step of the window (inclusive), or {@code Long.MAX_VALUE}
   */
  public static Optional<ChartSeries> read(
      TrackingStore store,
      String runId,
      String tag,
      int maxPoints,
      double weight,
      long fromStep,
      long toStep) {
    boolean whole = fromStep == Long.MIN_VALUE && toStep == Long.MAX_VALUE;
    if (weight == 0 && whole) {
      // nothing to compute on the full series: let the store downsample as it reads
      return store
          .readSeries(runId, tag, maxPoints)
          .map(
              s ->
                  new ChartSeries(
                      s.runId(),
                      s.tag(),
                      s.steps(),
                      s.wallTimes(),
                      s.values(),
                      s.values(),
                      s.totalPoints(),
                      (int) s.totalPoints(),
                      s.downsampled()));
    }
    return store
        .readSeries(runId, tag, 0)
        .map(full -> of(full, maxPoints, weight, fromStep, toStep));
  }

  /**
   * {@link #read} for many runs in one store query ({@link TrackingStore#readSeries(
   * java.util.Collection, String, java.util.function.Consumer)}): the runs that have the tag, by
   * run id.
   */
  public static Map<String, ChartSeries> readAll(
      TrackingStore store,
      Collection<String> runIds,
      String tag,
      int maxPoints,
      double weight,
      long fromStep,
      long toStep) {
    Map<String, ChartSeries> out = new HashMap<>();
    store.readSeries(
        runIds, tag, full -> out.put(full.runId(), of(full, maxPoints, weight, fromStep, toStep)));
    return out;
  }

  /** Smooths a full-resolution series, cuts the window, then downsamples. */
  public static ChartSeries of(
      Series full, int maxPoints, double weight, long fromStep, long toStep) {
    double[] smoothed = Smoothing.debiasedEma(full.values(), weight);
    long[] steps = full.steps();
    int from = lowerBound(steps, fromStep);
    int to = upperBound(steps, toStep);
    int n = Math.max(0, to - from);
    boolean whole = from == 0 && n == steps.length;
    long[] s = whole ? steps : Arrays.copyOfRange(steps, from, from + n);
    long[] w = whole ? full.wallTimes() : Arrays.copyOfRange(full.wallTimes(), from, from + n);
    double[] v = whole ? full.values() : Arrays.copyOfRange(full.values(), from, from + n);
    double[] sm = whole ? smoothed : Arrays.copyOfRange(smoothed, from, from + n);
    if (maxPoints <= 0 || n <= maxPoints) {
      return new ChartSeries(full.runId(), full.tag(), s, w, v, sm, full.totalPoints(), n, false);
    }
    Downsampler down = new Downsampler(s[0], s[n - 1], maxPoints);
    down.add(s, w, v, n);
    down.finish();
    long[] ks = down.steps();
    double[] ksm = new double[ks.length];
    for (int i = 0; i < ks.length; i++) {
      ksm[i] = sm[Arrays.binarySearch(s, ks[i])];
    }
    return new ChartSeries(
        full.runId(),
        full.tag(),
        ks,
        down.wallTimes(),
        down.values(),
        ksm,
        full.totalPoints(),
        n,
        ks.length < n);
  }

  /** First index whose step is >= step. */
  private static int lowerBound(long[] steps, long step) {
    int lo = 0;
    int hi = steps.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (steps[mid] < step) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** First index whose step is > step. */
  private static int upperBound(long[] steps, long step) {
    int lo = 0;
    int hi = steps.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (steps[mid] <= step) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
