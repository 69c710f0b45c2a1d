package dev.cairn.plugins.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * Matrix factorisation's forward pass: looks up the user and item rows of their embedding tables
 * and returns {@code pᵤ·qᵢ (+ bᵤ + bᵢ + b)}, shape {@code [batch, 1]}. Indices outside the tables
 * fail with the engine's index error.
 */
final class DotProductBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final boolean biases;
  private final Parameter userFactors;
  private final Parameter itemFactors;
  private final Parameter userBias;
  private final Parameter itemBias;
  private final Parameter globalBias;

  DotProductBlock(int users, int items, int factors, boolean biases, float initStd) {
    super(VERSION);
    this.biases = biases;
    userFactors = addParameter(table("userFactors", users, factors, initStd));
    itemFactors = addParameter(table("itemFactors", items, factors, initStd));
    if (biases) {
      userBias = addParameter(bias("userBias", users));
      itemBias = addParameter(bias("itemBias", items));
      globalBias = addParameter(bias("globalBias", 1));
    } else {
      userBias = null;
      itemBias = null;
      globalBias = null;
    }
  }

  private static Parameter table(String name, int rows, int factors, float std) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(rows, factors))
        .optInitializer(new NormalInitializer(std))
        .build();
  }

  private static Parameter bias(String name, int rows) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.BIAS)
        .optShape(new Shape(rows, 1))
        .build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray pairs = inputs.singletonOrThrow().toType(DataType.INT64, false);
    NDArray users = pairs.get(":, 0");
    NDArray items = pairs.get(":, 1");
    var device = pairs.getDevice();
    NDArray p = lookup(users, store.getValue(userFactors, device, training));
    NDArray q = lookup(items, store.getValue(itemFactors, device, training));
    NDArray rating = p.mul(q).sum(new int[] {1}, true);
    if (biases) {
      rating =
          rating
              .add(lookup(users, store.getValue(userBias, device, training)))
              .add(lookup(items, store.getValue(itemBias, device, training)))
              .add(store.getValue(globalBias, device, training).reshape(1, 1));
    }
    return new NDList(rating);
  }

  private static NDArray lookup(NDArray indices, NDArray table) {
    return Embedding.embedding(indices, table, SparseFormat.DENSE).singletonOrThrow();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), 1)};
  }
}
