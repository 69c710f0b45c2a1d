package dev.cairn.plugins.models;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * {@code activation(body(x) + shortcut(x))}: a residual block. The shortcut is the identity when
 * the body keeps the shape, or a 1×1 convolution (with batch norm) that matches it. Its own class,
 * rather than a {@code ParallelBlock} with a join lambda, so that the ONNX converter ({@link
 * ResidualBlockConverter}) can tell what the join computes.
 */
final class ResidualBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final Block body;
  private final Block shortcut;
  private final Block activation;

  ResidualBlock(Block body, Block shortcut, Block activation) {
    super(VERSION);
    this.body = addChildBlock("body", body);
    this.shortcut = addChildBlock("shortcut", shortcut == null ? Blocks.identityBlock() : shortcut);
    this.activation = addChildBlock("activation", activation);
  }

  Block body() {
    return body;
  }

  Block shortcut() {
    return shortcut;
  }

  Block activation() {
    return activation;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList main = body.forward(store, inputs, training, params);
    NDList skip = shortcut.forward(store, inputs, training, params);
    NDList sum = new NDList(main.singletonOrThrow().add(skip.singletonOrThrow()));
    return activation.forward(store, sum, training, params);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return body.getOutputShapes(inputShapes);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    body.initialize(manager, dataType, inputShapes);
    shortcut.initialize(manager, dataType, inputShapes);
    activation.initialize(manager, dataType, body.getOutputShapes(inputShapes));
  }
}
