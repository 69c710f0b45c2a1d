package dev.cairn.plugins.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.Params;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResidualMlpModelTest {
  private static final DatasetInfo SPIRALS =
      DatasetInfo.classification(new long[] {2}, List.of("a", "b"));
  private final ResidualMlpModel model = new ResidualMlpModel();

  private Block build(Map<String, ?> raw) {
    Params params = Params.validate("model", model.params(), raw);
    return model.build(params, new ModelContext(SPIRALS, 1));
  }

  private static NDArray forward(NDManager manager, Block block, NDArray x) {
    block.initialize(manager, DataType.FLOAT32, x.getShape());
    return block
        .forward(new ParameterStore(manager, false), new NDList(x), false)
        .singletonOrThrow();
  }

  @Test
  void outputsOneLogitPerClass() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Block block = build(Map.of("width", 16, "blocks", 3));
      NDArray out = forward(manager, block, manager.randomNormal(new Shape(5, 2)));
      assertThat(out.getShape()).isEqualTo(new Shape(5, 2));
      // flatten, Linear, ReLU, 3 residual blocks, Linear
      assertThat(block.getChildren().size()).isEqualTo(7);
    }
  }

  @Test
  void theSkipConnectionIsTheIdentity() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Block residual = ResidualMlpModel.residual(4);
      NDArray x = manager.create(new float[] {1, -2, 3, -4, 5, -6, 7, -8}, new Shape(2, 4));
      residual.initialize(manager, DataType.FLOAT32, x.getShape());
      // With the transform branch zeroed, x + ReLU(0·x + 0) must give back x.
      for (Parameter p : residual.getParameters().values()) {
        p.getArray().muli(0);
      }
      NDArray y = forward(manager, residual, x);
      assertThat(y.toFloatArray()).containsExactly(x.toFloatArray());
    }
  }

  @Test
  void parameterErrorsNameTheField() {
    assertThatThrownBy(() -> build(Map.of("width", 0)))
        .hasMessageStartingWith("model.width: 0 is not allowed");
    assertThatThrownBy(() -> build(Map.of("blocks", -1)))
        .hasMessageStartingWith("model.blocks: -1 is not allowed");
  }
}
