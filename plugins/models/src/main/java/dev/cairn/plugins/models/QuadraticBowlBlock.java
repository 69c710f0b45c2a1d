package dev.cairn.plugins.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.cairn.spi.MetricLogger;
import dev.cairn.spi.TrainingHook;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code f(x) = Σ aᵢ xᵢ²} of the parameter x, repeated for every example: {@code [batch, 1]}.
 *
 * <p>Logs the point's trajectory: {@code trajectory/x1}, {@code trajectory/x2}, … after every
 * update, and for a 2-D bowl an image {@code trajectory} of the path over f's contours after every
 * epoch, so the optimizer race shows each optimizer's path side by side.
 */
final class QuadraticBowlBlock extends AbstractBlock implements TrainingHook {
  private static final byte VERSION = 1;
  private final float[] scales;
  private final Parameter point;
  private final float[] start;
  private final List<float[]> path = new ArrayList<>();

  QuadraticBowlBlock(float[] scales, float[] start) {
    super(VERSION);
    this.scales = scales.clone();
    float[] begin = start.clone();
    this.start = start.clone();
    point =
        addParameter(
            Parameter.builder()
                .setName("x")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(start.length))
                .optInitializer(
                    (NDManager m, Shape s, DataType t) -> m.create(begin).toType(t, false))
                .build());
  }

  /** The value of f at the point's current position. */
  float value() {
    float[] x = point.getArray().toFloatArray();
    double f = 0;
    for (int i = 0; i < x.length; i++) {
      f += scales[i] * x[i] * x[i];
    }
    return (float) f;
  }

  /** The points so far, the start first (a copy). */
  List<float[]> path() {
    List<float[]> copy = new ArrayList<>();
    path.forEach(p -> copy.add(p.clone()));
    return copy;
  }

  @Override
  public void afterStep(MetricLogger logger, long step) {
    if (path.isEmpty()) {
      path.add(start.clone());
    }
    float[] x = point.getArray().toFloatArray();
    path.add(x);
    for (int i = 0; i < x.length; i++) {
      logger.logScalar("trajectory/x" + (i + 1), x[i], step);
    }
  }

  @Override
  public void afterEpoch(MetricLogger logger, int epoch, long step) {
    if (scales.length != 2 || path.isEmpty() || scales[0] <= 0 || scales[1] <= 0) {
      return;
    }
    float[] at = path.get(path.size() - 1);
    logger.logImage(
        "trajectory",
        TrajectoryPlot.png(scales, start, path),
        String.format(
            Locale.ROOT,
            "x = (%.3f, %.3f) after %d updates, f = %.4g",
            at[0],
            at[1],
            path.size() - 1,
            scales[0] * at[0] * at[0] + scales[1] * at[1] * at[1]),
        step);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray input = inputs.singletonOrThrow();
    NDArray x = store.getValue(point, input.getDevice(), training);
    NDArray a = input.getManager().create(scales).toDevice(input.getDevice(), false);
    NDArray f = x.square().mul(a).sum();
    // one value per example: f broadcast against the batch
    return new NDList(
        input
            .getManager()
            .zeros(new Shape(input.getShape().get(0), 1), DataType.FLOAT32, input.getDevice())
            .add(f));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), 1)};
  }
}
