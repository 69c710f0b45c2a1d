package dev.cairn.plugins.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.Params;
import java.util.List;
import java.util.Map;

/** Shared helpers: datasets shapes, building with validated params, a forward pass. */
final class ModelTesting {
  static final DatasetInfo FASHION =
      DatasetInfo.classification(
          new long[] {1, 28, 28}, List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"));
  static final DatasetInfo LINEAR = DatasetInfo.regression(new long[] {2}, new long[] {1});

  private ModelTesting() {}

  static Block build(ModelProvider provider, DatasetInfo dataset, Map<String, ?> raw) {
    Params params = Params.validate("model", provider.params(), raw);
    return provider.build(params, new ModelContext(dataset, 1));
  }

  /** Initialises {@code block} for a batch of {@code batch} examples and runs it forward. */
  static Shape forwardShape(
      NDManager manager, Block block, DatasetInfo dataset, int batch, boolean training) {
    Shape input = new Shape(batch).addAll(new Shape(dataset.inputShape()));
    block.initialize(manager, DataType.FLOAT32, input);
    NDArray x = manager.randomUniform(0, 1, input);
    NDList out = block.forward(new ParameterStore(manager, false), new NDList(x), training);
    return out.singletonOrThrow().getShape();
  }
}
