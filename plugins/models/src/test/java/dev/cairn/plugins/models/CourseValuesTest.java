package dev.cairn.plugins.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import dev.cairn.spi.DatasetInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hand-checked values of COURSE.md, computed by the blocks the models are built from. */
class CourseValuesTest {
  private static final float[] X = {
    1, 2, 0, 3, 1,
    0, 1, 2, 3, 1,
    1, 2, 1, 0, 0,
    5, 2, 3, 1, 1,
    2, 1, 0, 1, 1
  };
  private static final float[] K = {1, 2, 1, 0, 1, 0, 2, 1, 0};

  private final NDManager manager = NDManager.newBaseManager("PyTorch");

  @AfterEach
  void close() {
    manager.close();
  }

  private NDArray x() {
    return manager.create(X, new Shape(1, 1, 5, 5));
  }

  private float[] run(Block block) {
    NDArray input = x();
    block.initialize(manager, DataType.FLOAT32, input.getShape());
    return block
        .forward(new ParameterStore(manager, false), new NDList(input), false)
        .singletonOrThrow()
        .toFloatArray();
  }

  private float[] conv(int stride, int padding) {
    Block conv = Layers.conv2d(1, 3, stride, padding, false);
    conv.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 5, 5));
    Parameter weight = conv.getParameters().get("weight");
    weight.getArray().set(K);
    return run(conv);
  }

  @Test
  void convolutionAtStrideOne() {
    assertThat(conv(1, 0)).containsExactly(10, 12, 12, 18, 16, 16, 13, 9, 3);
  }

  @Test
  void convolutionAtStrideTwo() {
    assertThat(conv(2, 0)).containsExactly(10, 12, 13, 3);
  }

  @Test
  void convolutionWithPaddingOne() {
    assertThat(conv(1, 1))
        .containsExactly(
            1, 3, 4, 10, 8, 5, 10, 12, 12, 6, 7, 18, 16, 16, 8, 11, 13, 9, 3, 4, 14, 13, 9, 7, 4);
  }

  @Test
  void maxPoolThreeWithAndWithoutCeilMode() {
    Shape three = new Shape(3, 3);
    Shape none = new Shape(0, 0);
    assertThat(run(Pool.maxPool2dBlock(three, three, none, true))).containsExactly(2, 3, 5, 1);
    assertThat(run(Pool.maxPool2dBlock(three, three, none, false))).containsExactly(2);
    // FeatureMap, which validates architectures, counts windows the same way
    DatasetInfo image = DatasetInfo.regression(new long[] {1, 5, 5}, new long[] {1});
    assertThat(FeatureMap.of("t", image).pool("p", 3, 3, 0, true).height()).isEqualTo(2);
    assertThat(FeatureMap.of("t", image).pool("p", 3, 3, 0, false).height()).isEqualTo(1);
  }

  @Test
  void cifarQuickFlattensTo800On28By28() {
    DatasetInfo rgb28 =
        DatasetInfo.classification(new long[] {3, 28, 28}, List.of("a", "b", "c", "d"));
    Block net = ModelTesting.build(new CifarQuickModel(), rgb28, Map.of());
    assertThat(ModelTesting.forwardShape(manager, net, rgb28, 2, false)).isEqualTo(new Shape(2, 4));
    Block firstDense =
        net.getChildren().values().stream()
            .filter(b -> b instanceof Linear)
            .findFirst()
            .orElseThrow();
    assertThat(firstDense.getParameters().get("weight").getArray().getShape())
        .isEqualTo(new Shape(500, 800));
  }

  @Test
  void hardSigmoidIsRelu6OfXPlus3Over6() {
    NDArray x = manager.create(new float[] {-4, -3, 0, 1.5f, 3, 4});
    assertThat(Activations.hardSigmoid(x).toFloatArray()).containsExactly(0, 0, 0.5f, 0.75f, 1, 1);
  }
}
