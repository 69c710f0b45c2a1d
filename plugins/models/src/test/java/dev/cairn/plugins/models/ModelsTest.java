package dev.cairn.plugins.models;

import static dev.cairn.plugins.models.ModelTesting.FASHION;
import static dev.cairn.plugins.models.ModelTesting.LINEAR;
import static dev.cairn.plugins.models.ModelTesting.build;
import static dev.cairn.plugins.models.ModelTesting.forwardShape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import dev.cairn.spi.SpecException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelsTest {

  private static List<Class<?>> childTypes(Block block) {
    return block.getChildren().values().stream().<Class<?>>map(Object::getClass).toList();
  }

  @Test
  void linearOutputsOneValuePerTargetOrClass() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      LinearModel linear = new LinearModel();
      assertThat(forwardShape(manager, build(linear, LINEAR, Map.of()), LINEAR, 5, false))
          .isEqualTo(new Shape(5, 1));
      assertThat(forwardShape(manager, build(linear, FASHION, Map.of()), FASHION, 3, false))
          .isEqualTo(new Shape(3, 10));
    }
  }

  @Test
  void softmaxRegressionHasTheCourseInitialisation() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Block block = build(new SoftmaxRegressionModel(), FASHION, Map.of("initStd", 0.05));
      assertThat(forwardShape(manager, block, FASHION, 4, false)).isEqualTo(new Shape(4, 10));
      assertThat(childTypes(block)).containsExactly(LambdaBlock.class, Linear.class);

      Parameter weight = parameter(block, Parameter.Type.WEIGHT);
      Parameter bias = parameter(block, Parameter.Type.BIAS);
      assertThat(weight.getArray().getShape()).isEqualTo(new Shape(10, 784));
      NDArray w = weight.getArray();
      assertThat(w.mean().getFloat()).isCloseTo(0f, within(0.005f));
      assertThat(w.sub(w.mean()).square().mean().sqrt().getFloat())
          .isCloseTo(0.05f, within(0.003f));
      assertThat(bias.getArray().abs().max().getFloat()).isZero();
    }
  }

  private static Parameter parameter(Block block, Parameter.Type type) {
    return block.getParameters().values().stream()
        .filter(p -> p.getType() == type)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void softmaxRegressionRefusesRegressionData() {
    assertThatThrownBy(() -> build(new SoftmaxRegressionModel(), LINEAR, Map.of()))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("needs a classification dataset")
        .extracting(e -> ((SpecException) e).field())
        .isEqualTo("model");
  }

  @Test
  void mlpDefaultsToOneHiddenLayerOf256WithRelu() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Block block = build(new MlpModel(), FASHION, Map.of());
      assertThat(forwardShape(manager, block, FASHION, 2, false)).isEqualTo(new Shape(2, 10));
      assertThat(childTypes(block))
          .containsExactly(LambdaBlock.class, Linear.class, LambdaBlock.class, Linear.class);
      assertThat(block.getChildren().get(2).getValue().toString()).contains("ReLU");
      assertThat(
              parameter(block.getChildren().get(1).getValue(), Parameter.Type.WEIGHT)
                  .getArray()
                  .getShape())
          .isEqualTo(new Shape(256, 784));
    }
  }

  @Test
  void mlpWithBatchNormAndDropoutTrainsAndPredictsInShape() {
    Map<String, Object> raw =
        Map.of("hidden", List.of(8, 4), "activation", "tanh", "dropout", 0.5, "batchNorm", true);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Block block = build(new MlpModel(), FASHION, raw);
      assertThat(childTypes(block))
          .containsExactly(
              LambdaBlock.class,
              Linear.class,
              BatchNorm.class,
              LambdaBlock.class,
              Dropout.class,
              Linear.class,
              BatchNorm.class,
              LambdaBlock.class,
              Dropout.class,
              Linear.class);
      assertThat(forwardShape(manager, block, FASHION, 6, true)).isEqualTo(new Shape(6, 10));
    }
  }

  @Test
  void everyActivationBuildsAndRuns() {
    for (String activation : Activations.NAMES) {
      try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
        Block block =
            build(new MlpModel(), LINEAR, Map.of("hidden", List.of(4), "activation", activation));
        assertThat(forwardShape(manager, block, LINEAR, 3, false))
            .as(activation)
            .isEqualTo(new Shape(3, 1));
      }
    }
  }

  @Test
  void mlpWithoutHiddenLayersIsLinear() {
    Block block = build(new MlpModel(), LINEAR, Map.of("hidden", List.of()));
    assertThat(childTypes(block)).containsExactly(LambdaBlock.class, Linear.class);
  }

  @Test
  void parameterErrorsNameTheField() {
    MlpModel mlp = new MlpModel();
    assertThatThrownBy(() -> build(mlp, FASHION, Map.of("hidden", List.of(16, 0))))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("model.hidden: 0 is not allowed");
    assertThatThrownBy(() -> build(mlp, FASHION, Map.of("dropout", 1.0)))
        .hasMessageStartingWith("model.dropout: 1.0 is not allowed");
    assertThatThrownBy(() -> build(mlp, FASHION, Map.of("activation", "rleu")))
        .hasMessageStartingWith("model.activation: 'rleu' is not allowed (did you mean 'relu'?)");
    assertThatThrownBy(() -> build(new SoftmaxRegressionModel(), FASHION, Map.of("initStd", 0)))
        .hasMessageStartingWith("model.initStd: 0 is not allowed");
  }
}
