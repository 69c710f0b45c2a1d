package dev.cairn.plugins.models;

import static dev.cairn.plugins.models.ModelTesting.FASHION;
import static dev.cairn.plugins.models.ModelTesting.LINEAR;
import static dev.cairn.plugins.models.ModelTesting.build;
import static dev.cairn.plugins.models.ModelTesting.forwardShape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.MetricLogger;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.SpecException;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Shapes, parameter counts and refused combinations of the course's models. */
class CourseModelsTest {
  private static final DatasetInfo RGB32 =
      DatasetInfo.classification(new long[] {3, 32, 32}, List.of("a", "b", "c"));
  private static final DatasetInfo TWO_CLASSES =
      DatasetInfo.classification(new long[] {2}, List.of("0", "1"));
  private static final DatasetInfo SERIES =
      DatasetInfo.regression(new long[] {10, 1}, new long[] {1});
  private static final DatasetInfo PAIRS = DatasetInfo.regression(new long[] {2}, new long[] {1});

  private final NDManager manager = NDManager.newBaseManager("PyTorch");

  @AfterEach
  void close() {
    manager.close();
  }

  private static long trainable(Block block) {
    long n = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter.Type type = p.getValue().getType();
      if (type != Parameter.Type.RUNNING_MEAN && type != Parameter.Type.RUNNING_VAR) {
        n += p.getValue().getArray().size();
      }
    }
    return n;
  }

  private static List<Block> all(Block block, Class<?> type) {
    List<Block> out = new ArrayList<>();
    if (type.isInstance(block)) {
      out.add(block);
    }
    block.getChildren().values().forEach(c -> out.addAll(all(c, type)));
    return out;
  }

  @Test
  void perceptronIsOneLinearLayerWithAScorePerClass() {
    Block block = build(new PerceptronModel(), TWO_CLASSES, Map.of());
    assertThat(forwardShape(manager, block, TWO_CLASSES, 4, false)).isEqualTo(new Shape(4, 2));
    assertThat(trainable(block)).isEqualTo(6);
    assertThatThrownBy(() -> build(new PerceptronModel(), LINEAR, Map.of()))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("use the 'linear' model");
  }

  @Test
  void sumOfSigmoidsHasUnitsSigmoidsAndOneOutput() {
    DatasetInfo curve = DatasetInfo.regression(new long[] {1}, new long[] {1});
    Block block = build(new SumOfSigmoidsModel(), curve, Map.of("units", 10));
    assertThat(forwardShape(manager, block, curve, 5, false)).isEqualTo(new Shape(5, 1));
    // w, b_i: 10 + 10; c_i, b: 10 + 1
    assertThat(trainable(block)).isEqualTo(31);
    assertThat(block.getChildren().get(2).getValue().toString()).contains("sigmoid");
  }

  @Test
  void leNetHasD2lsParameterCount() {
    Block block = build(new LeNetModel(), FASHION, Map.of());
    assertThat(forwardShape(manager, block, FASHION, 2, false)).isEqualTo(new Shape(2, 10));
    assertThat(trainable(block)).isEqualTo(61_706);
  }

  @Test
  void cnnBatchNormIsSwitchable() {
    Block withBn = build(new CnnModel(), FASHION, Map.of());
    assertThat(forwardShape(manager, withBn, FASHION, 2, true)).isEqualTo(new Shape(2, 10));
    assertThat(all(withBn, BatchNorm.class)).hasSize(3);
    assertThat(all(withBn, Conv2d.class)).hasSize(3);
    // 28 -> 14 -> 7 -> 3: the first dense layer sees 32 x 3 x 3
    assertThat(
            withBn
                .getChildren()
                .get(13)
                .getValue()
                .getParameters()
                .get("weight")
                .getArray()
                .getShape())
        .isEqualTo(new Shape(64, 288));
    Block withoutBn = build(new CnnModel(), FASHION, Map.of("batchNorm", false));
    assertThat(all(withoutBn, BatchNorm.class)).isEmpty();
    assertThat(forwardShape(manager, withoutBn, FASHION, 2, true)).isEqualTo(new Shape(2, 10));
  }

  @Test
  void alexNetScalesForSmallAndLargeImages() {
    Block small = build(new AlexNetModel(), FASHION, Map.of("width", 0.1, "hidden", 64));
    assertThat(forwardShape(manager, small, FASHION, 2, false)).isEqualTo(new Shape(2, 10));
    Conv2d first = (Conv2d) all(small, Conv2d.class).get(0);
    assertThat(first.getKernelShape()).isEqualTo(new Shape(3, 3));
    DatasetInfo big = DatasetInfo.classification(new long[] {1, 96, 96}, FASHION.classLabels());
    Block large = build(new AlexNetModel(), big, Map.of("width", 0.1, "hidden", 64));
    assertThat(forwardShape(manager, large, big, 2, false)).isEqualTo(new Shape(2, 10));
    assertThat(((Conv2d) all(large, Conv2d.class).get(0)).getKernelShape())
        .isEqualTo(new Shape(11, 11));
  }

  @Test
  void alexNetLargeStemRefusesSmallImages() {
    assertThatThrownBy(() -> build(new AlexNetModel(), FASHION, Map.of("stem", "large")))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("alexnet")
        .hasMessageContaining("larger than its");
  }

  @Test
  void vggFollowsConvArch() {
    Map<String, Object> small =
        Map.of("convs", List.of(1, 1, 2, 2, 2), "channels", List.of(4, 8, 8, 16, 16), "hidden", 32);
    Block vgg = build(new VggModel(), RGB32, small);
    assertThat(forwardShape(manager, vgg, RGB32, 2, false)).isEqualTo(new Shape(2, 3));
    assertThat(all(vgg, Conv2d.class)).hasSize(8);
  }

  @Test
  void vgg11DefaultsAndRefusesAnArchThatPoolsTheImageAway() {
    assertThat(new VggModel().params().get(0).defaultValue()).isEqualTo(List.of(1, 1, 2, 2, 2));
    assertThat(new VggModel().params().get(1).defaultValue())
        .isEqualTo(List.of(64, 128, 256, 512, 512));
    assertThatThrownBy(() -> build(new VggModel(), FASHION, Map.of()))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("model.convs: a VGG arch of 5 blocks")
        .hasMessageContaining("28x28 input is below 1 pixel after block 5")
        .hasMessageContaining("use at most 4 blocks or images of at least 32 pixels");
    assertThatThrownBy(() -> build(new VggModel(), FASHION, Map.of("convs", List.of(1, 1))))
        .hasMessageStartingWith("model.channels: has 5 entries but model.convs has 2");
  }

  @Test
  void ninEndsWithGlobalAveragePoolingAndHasFewParameters() {
    Block nin = build(new NinModel(), FASHION, Map.of("width", 0.25));
    assertThat(forwardShape(manager, nin, FASHION, 2, false)).isEqualTo(new Shape(2, 10));
    assertThat(all(nin, Conv2d.class)).hasSize(12);
    Block vgg =
        build(
            new VggModel(),
            FASHION,
            Map.of("convs", List.of(1, 1, 2, 2), "channels", List.of(16, 32, 64, 128)));
    forwardShape(manager, vgg, FASHION, 2, false);
    assertThat(trainable(nin)).isLessThan(trainable(vgg) / 10);
  }

  @Test
  void resNetAndItsPlainTwinHaveTheSameDepth() {
    Map<String, Object> small = Map.of("blocks", List.of(2, 2), "channels", List.of(8, 16));
    Block residual = build(new ResNetModel(), FASHION, small);
    assertThat(forwardShape(manager, residual, FASHION, 2, true)).isEqualTo(new Shape(2, 10));
    Map<String, Object> plainParams = new HashMap<>(small);
    plainParams.put("residual", false);
    Block plain = build(new ResNetModel(), FASHION, plainParams);
    assertThat(forwardShape(manager, plain, FASHION, 2, true)).isEqualTo(new Shape(2, 10));
    assertThat(all(residual, ResidualBlock.class)).hasSize(4);
    assertThat(all(plain, ResidualBlock.class)).isEmpty();
    // stem + 2 convs per block; the residual net adds one 1x1 shortcut where the stage changes
    assertThat(all(plain, Conv2d.class)).hasSize(1 + 8);
    assertThat(all(residual, Conv2d.class)).hasSize(1 + 8 + 1);
  }

  @Test
  void resNet18HasElevenMillionParameters() {
    Block block = build(new ResNetModel(), FASHION, Map.of());
    block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
    assertThat(trainable(block)).isBetween(11_000_000L, 11_300_000L);
  }

  @Test
  void bottleneckBlocksNeedChannelsDivisibleByFour() {
    Map<String, Object> ok =
        Map.of("blocks", List.of(1, 1), "channels", List.of(16, 32), "bottleneck", true);
    assertThat(forwardShape(manager, build(new ResNetModel(), FASHION, ok), FASHION, 2, true))
        .isEqualTo(new Shape(2, 10));
    assertThatThrownBy(
            () ->
                build(
                    new ResNetModel(),
                    FASHION,
                    Map.of("blocks", List.of(1), "channels", List.of(10), "bottleneck", true)))
        .hasMessageContaining("divisible by 4");
  }

  @Test
  void recurrentCellsReadSequences() {
    for (String cell : List.of("rnn", "gru", "lstm")) {
      Block block =
          build(new RecurrentModel(), SERIES, Map.of("cell", cell, "hidden", 8, "layers", 2));
      assertThat(forwardShape(manager, block, SERIES, 3, false))
          .as(cell)
          .isEqualTo(new Shape(3, 1));
    }
    assertThatThrownBy(() -> build(new RecurrentModel(), FASHION, Map.of()))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("[steps, features]");
  }

  @Test
  void matrixFactorizationPredictsDotProductPlusBiases() {
    Block block =
        build(new MatrixFactorizationModel(), PAIRS, Map.of("users", 3, "items", 2, "factors", 2));
    block.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
    Map<String, float[]> values =
        Map.of(
            "userFactors", new float[] {1, 2, 3, 4, 5, 6},
            "itemFactors", new float[] {1, 0, 0.5f, -1},
            "userBias", new float[] {0.1f, 0.2f, 0.3f},
            "itemBias", new float[] {1, 2},
            "globalBias", new float[] {10});
    values.forEach((name, v) -> block.getParameters().get(name).getArray().set(v));
    NDArray pairs = manager.create(new float[] {2, 1, 0, 0}, new Shape(2, 2));
    float[] rating =
        block
            .forward(new ParameterStore(manager, false), new NDList(pairs), false)
            .singletonOrThrow()
            .toFloatArray();
    // user 2 · item 1 = 5·0.5 + 6·(−1) = −3.5, + 0.3 + 2 + 10 = 8.8; user 0 · item 0 = 1 + 0.1 + 1
    // + 10
    assertThat(rating[0]).isCloseTo(8.8f, within(1e-5f));
    assertThat(rating[1]).isCloseTo(12.1f, within(1e-5f));
    assertThatThrownBy(() -> build(new MatrixFactorizationModel(), FASHION, Map.of()))
        .hasMessageContaining("use the 'ratings' dataset");
  }

  @Test
  void quadraticBowlOutputsFOfItsPointForEveryExample() {
    DatasetInfo one = DatasetInfo.regression(new long[] {1}, new long[] {1});
    Block bowl = build(new QuadraticBowlModel(), one, Map.of());
    bowl.initialize(manager, DataType.FLOAT32, new Shape(3, 1));
    float[] f =
        bowl.forward(
                new ParameterStore(manager, false),
                new NDList(manager.zeros(new Shape(3, 1))),
                false)
            .singletonOrThrow()
            .toFloatArray();
    // 0.1·25 + 2·4 = 10.5
    assertThat(f).containsExactly(10.5f, 10.5f, 10.5f);
    assertThatThrownBy(() -> build(new QuadraticBowlModel(), one, Map.of("start", List.of(1.0))))
        .hasMessageStartingWith("model.start: has 1 values for 2 scales");
  }

  @Test
  void quadraticBowlLogsItsTrajectoryAsScalarsAndAContourImage() throws Exception {
    DatasetInfo one = DatasetInfo.regression(new long[] {1}, new long[] {1});
    QuadraticBowlBlock bowl = (QuadraticBowlBlock) build(new QuadraticBowlModel(), one, Map.of());
    bowl.initialize(manager, DataType.FLOAT32, new Shape(3, 1));
    Parameter x = bowl.getParameters().get(0).getValue();
    List<String> scalars = new ArrayList<>();
    List<byte[]> images = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    MetricLogger logger =
        new MetricLogger() {
          @Override
          public void logScalar(String tag, double value, long step) {
            scalars.add(tag + "@" + step + "=" + (float) value);
          }

          @Override
          public void logParams(Map<String, ?> params) {}

          @Override
          public void logImage(String tag, byte[] png, String caption, long step) {
            images.add(png);
            captions.add(tag + "@" + step + ": " + caption);
          }
        };
    // two "updates": (-5, -2) -> (-4, 1) -> (0, 0)
    x.getArray().set(new float[] {-4f, 1f});
    bowl.afterStep(logger, 1);
    x.getArray().set(new float[] {0f, 0f});
    bowl.afterStep(logger, 2);
    bowl.afterEpoch(logger, 1, 2);

    assertThat(scalars)
        .containsExactly(
            "trajectory/x1@1=-4.0",
            "trajectory/x2@1=1.0",
            "trajectory/x1@2=0.0",
            "trajectory/x2@2=0.0");
    assertThat(bowl.path())
        .extracting(p -> p[0] + "," + p[1])
        .containsExactly("-5.0,-2.0", "-4.0,1.0", "0.0,0.0");
    assertThat(captions)
        .containsExactly("trajectory@2: x = (0.000, 0.000) after 2 updates, f = 0.000");
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(images.get(0)));
    // the view is ±7.5 on x1 (480 px: 32 px a unit) and ±3 on x2 (192 px)
    assertThat(png.getWidth()).isEqualTo(480);
    assertThat(png.getHeight()).isEqualTo(192);
    Color atStart = new Color(png.getRGB(80, 160)); // (-5, -2): green
    Color atEnd = new Color(png.getRGB(242, 96)); // (0, 0): red
    Color corner = new Color(png.getRGB(2, 2)); // far from the path: shaded blue
    assertThat(atStart.getGreen())
        .isGreaterThan(atStart.getRed() + 60)
        .isGreaterThan(atStart.getBlue() + 30);
    assertThat(atEnd.getRed()).isGreaterThan(atEnd.getGreen() + 100);
    assertThat(corner.getBlue()).isEqualTo(255);
    assertThat(corner.getRed()).isLessThan(corner.getBlue());
  }

  @Test
  void kernelsLargerThanTheImageAreRefused() {
    DatasetInfo tiny = DatasetInfo.classification(new long[] {1, 8, 8}, List.of("a", "b"));
    assertThatThrownBy(() -> build(new CifarQuickModel(), tiny, Map.of()))
        .isInstanceOf(SpecException.class)
        .hasMessage(
            "model: cifar-quick: the 5x5 kernel of conv2 is larger than its 2x2 input (the 8x8"
                + " image has shrunk to 2x2 by then); use larger images (dataset resize) or a"
                + " smaller architecture");
    assertThatThrownBy(() -> build(new LeNetModel(), LINEAR, Map.of()))
        .hasMessageContaining("needs image input [channels, height, width]");
  }

  @Test
  void zeroHiddenUnitsAreRefused() {
    DatasetInfo curve = DatasetInfo.regression(new long[] {1}, new long[] {1});
    assertThatThrownBy(() -> build(new SumOfSigmoidsModel(), curve, Map.of("units", 0)))
        .hasMessageStartingWith("model.units: 0 is not allowed; expected an integer > 0");
    assertThatThrownBy(() -> build(new CnnModel(), FASHION, Map.of("hidden", 0)))
        .hasMessageStartingWith("model.hidden: 0 is not allowed");
    assertThatThrownBy(() -> build(new RecurrentModel(), SERIES, Map.of("hidden", 0)))
        .hasMessageStartingWith("model.hidden: 0 is not allowed");
    assertThatThrownBy(
            () -> build(new VggModel(), RGB32, Map.of("channels", List.of(64, 0, 1, 1, 1))))
        .hasMessageStartingWith("model.channels: 0 is not allowed");
  }

  @Test
  void everyActivationBuildsInEveryModelThatNamesOne() {
    for (String activation : Activations.NAMES) {
      Block cnn =
          build(
              new CnnModel(),
              FASHION,
              Map.of("activation", activation, "channels", 4, "blocks", 1));
      assertThat(forwardShape(manager, cnn, FASHION, 2, true))
          .as(activation)
          .isEqualTo(new Shape(2, 10));
    }
  }

  @Test
  void everyModelIsListedWithDescribedParameters() {
    List<ModelProvider> models =
        List.of(
            new PerceptronModel(),
            new SumOfSigmoidsModel(),
            new LeNetModel(),
            new CnnModel(),
            new CifarQuickModel(),
            new AlexNetModel(),
            new VggModel(),
            new NinModel(),
            new ResNetModel(),
            new RecurrentModel(),
            new MatrixFactorizationModel());
    for (ModelProvider m : models) {
      assertThat(m.description()).as(m.id()).isNotBlank();
      m.params().forEach(p -> assertThat(p.description()).as(m.id() + "." + p.name()).isNotBlank());
    }
  }
}
