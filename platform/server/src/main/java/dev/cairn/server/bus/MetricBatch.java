package dev.cairn.server.bus;

import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.ScalarSeries;
import java.util.List;

/**
 * A batch of scalars on its way to the store writer: single points (the trainer's listener) and
 * whole series (a tracking API batch, written to its chunks in one go).
 */
public record MetricBatch(List<ScalarPoint> points, List<ScalarSeries> series) {
  public MetricBatch {
    points = List.copyOf(points);
    series = List.copyOf(series);
  }

  public MetricBatch(List<ScalarPoint> points) {
    this(points, List.of());
  }

  /** Points in the batch, single and in series. */
  public int size() {
    return points.size() + series.stream().mapToInt(ScalarSeries::size).sum();
  }
}
