package dev.cairn.plugins.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * PReLU, {@code max(0, x) + a·min(0, x)} with one learned slope {@code a} (PyTorch's default,
 * starting at 0.25). DJL's own {@code Prelu} block is not implemented by the PyTorch engine, hence
 * this one, written with plain array operations.
 */
final class PreluBlock extends AbstractBlock {
  private static final byte VERSION = 1;
  private final Parameter alpha;

  PreluBlock() {
    super(VERSION);
    alpha =
        addParameter(
            Parameter.builder()
                .setName("alpha")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1))
                .optInitializer(new ConstantInitializer(0.25f))
                .build());
  }

  /** The learned slope, initialised. */
  Parameter alpha() {
    return alpha;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray a = store.getValue(alpha, x.getDevice(), training);
    return new NDList(x.maximum(0).add(x.minimum(0).mul(a)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
