package dev.cairn.core.tracking;

/**
 * Points of a scalar series in step order, possibly downsampled.
 *
 * @param totalPoints points stored for the series
 * @param downsampled true when fewer points than stored are returned
 */
public record Series(
    String runId,
    String tag,
    long[] steps,
    long[] wallTimes,
    double[] values,
    long totalPoints,
    boolean downsampled) {
  public int size() {
    return steps.length;
  }
}
