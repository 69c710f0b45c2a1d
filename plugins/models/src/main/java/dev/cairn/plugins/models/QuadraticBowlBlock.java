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

/** {@code f(x) = Σ aᵢ xᵢ²} of the parameter x, repeated for every example: {@code [batch, 1]}. */
final class QuadraticBowlBlock extends AbstractBlock {
  private static final byte VERSION = 1;
  private final float[] scales;
  private final Parameter point;

  QuadraticBowlBlock(float[] scales, float[] start) {
    super(VERSION);
    this.scales = scales.clone();
    float[] begin = start.clone();
    point = addParameter(Parameter.builder().setName("x").setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(start.length))
        .optInitializer((NDManager m, Shape s, DataType t) -> m.create(begin).toType(t, false))
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

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray input = inputs.singletonOrThrow();
    NDArray x = store.getValue(point, input.getDevice(), training);
    NDArray a = input.getManager().create(scales).toDevice(input.getDevice(), false);
    NDArray f = x.square().mul(a).sum();
    // one value per example: f broadcast against the batch
    return new NDList(input.getManager().zeros(new Shape(input.getShape().get(0), 1), DataType.FLOAT32,
        input.getDevice()).add(f));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), 1)};
  }
}
