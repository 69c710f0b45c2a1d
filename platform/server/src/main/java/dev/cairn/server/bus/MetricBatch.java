package dev.cairn.server.bus;

import dev.cairn.core.tracking.ScalarPoint;
import java.util.List;

/** A batch of scalar points on its way to the store writer. */
public record MetricBatch(List<ScalarPoint> points) {
  public MetricBatch {
    points = List.copyOf(points);
  }
}
