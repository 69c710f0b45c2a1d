package dev.cairn.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.Arrays;

/**
 * The model with input standardisation in front: {@code model((x − mean) / std)}, with one mean and
 * standard deviation per channel (the first axis of {@code [channels, height, width]} images, the
 * last axis of other examples), computed on the training split. Mean and std are parameters that
 * never train, so they are saved with the weights and an exported model or a prediction takes raw
 * inputs, as the notes ask of normalisation ("applied at inference too").
 */
public final class NormalizeBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final Block model;
  private final Parameter mean;
  private final Parameter std;

  /**
   * @param statsShape the shape mean and std broadcast with, e.g. {@code [1, 3, 1, 1]}
   */
  NormalizeBlock(Block model, Shape statsShape) {
    super(VERSION);
    this.model = addChildBlock("model", model);
    this.mean = addParameter(stat("mean", statsShape, Initializer.ZEROS));
    this.std = addParameter(stat("std", statsShape, Initializer.ONES));
  }

  /** Wraps {@code model} for examples of {@code exampleShape}. */
  public static NormalizeBlock wrap(Block model, long[] exampleShape) {
    return new NormalizeBlock(model, statsShape(exampleShape));
  }

  private static Parameter stat(String name, Shape shape, Initializer init) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.OTHER)
        .optShape(shape)
        .optInitializer(init)
        .optRequiresGrad(false)
        .build();
  }

  static Shape statsShape(long[] exampleShape) {
    long[] dims = new long[exampleShape.length + 1];
    Arrays.fill(dims, 1);
    int axis = channelAxis(exampleShape);
    dims[axis + 1] = exampleShape[axis];
    return new Shape(dims);
  }

  /** The axis of an example that holds channels. */
  static int channelAxis(long[] exampleShape) {
    return exampleShape.length == 3 ? 0 : exampleShape.length - 1;
  }

  /** The wrapped model. */
  public Block model() {
    return model;
  }

  public Parameter mean() {
    return mean;
  }

  public Parameter std() {
    return std;
  }

  /** Sets mean and std (one value per channel). */
  void setStatistics(float[] means, float[] stds) {
    WeightTransfer.assign(mean.getArray(), means);
    WeightTransfer.assign(std.getArray(), stds);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray m = store.getValue(mean, x.getDevice(), training);
    NDArray s = store.getValue(std, x.getDevice(), training);
    return model.forward(store, new NDList(x.sub(m).div(s)), training, params);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return model.getOutputShapes(inputShapes);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    model.initialize(manager, dataType, inputShapes);
  }
}
