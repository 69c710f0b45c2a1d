package dev.cairn.plugins.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.LossProvider;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Task;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The course's other losses, against values worked by hand. */
class CourseLossesTest {
  private static final DatasetInfo REGRESSION =
      DatasetInfo.regression(new long[] {2}, new long[] {1});
  private static final DatasetInfo CLASSES =
      DatasetInfo.classification(new long[] {3}, List.of("a", "b", "c"));

  private final NDManager manager = NDManager.newBaseManager("PyTorch");

  @AfterEach
  void close() {
    manager.close();
  }

  private static Loss build(LossProvider provider, DatasetInfo dataset, Map<String, ?> raw) {
    return provider.build(Params.validate("loss", provider.params(), raw), dataset);
  }

  private float evaluate(Loss loss, float[] labels, float[] predictions, Shape shape) {
    NDArray y = manager.create(labels);
    NDArray p = manager.create(predictions, shape);
    return loss.evaluate(new NDList(y), new NDList(p)).getFloat();
  }

  /** logits [1, 2, 3]: −log softmax = 3.4076059 − logit = [2.4076059, 1.4076059, 0.4076059]. */
  private static final float[] LOGITS = {1, 2, 3};

  @Test
  void huberIsQuadraticInsideDeltaAndLinearOutside() {
    NDArray prediction = manager.create(new float[] {1, 2, 3}, new Shape(3, 1));
    NDArray truth = manager.create(new float[] {1, 2, 5}, new Shape(3, 1));
    // residuals 0, 0, 2; δ = 1: 1·(2 − ½) = 1.5 → mean 0.5; δ = 3: ½·4 = 2 → mean 2/3
    Loss delta1 = build(new Huber(), REGRESSION, Map.of());
    assertThat(delta1.evaluate(new NDList(truth), new NDList(prediction)).getFloat())
        .isCloseTo(0.5f, within(1e-6f));
    Loss delta3 = build(new Huber(), REGRESSION, Map.of("delta", 3));
    assertThat(delta3.evaluate(new NDList(truth), new NDList(prediction)).getFloat())
        .isCloseTo(0.6666667f, within(1e-6f));
  }

  @Test
  void labelSmoothingMixesTheOneHotTargetWithUniform() {
    // ε = 0.3: q = [0.1, 0.1, 0.8]; Σ q·(−log softmax) = 0.24076059 + 0.14076059 + 0.32608472
    Loss smoothed = build(new SoftmaxCrossEntropy(), CLASSES, Map.of("labelSmoothing", 0.3));
    assertThat(evaluate(smoothed, new float[] {2}, LOGITS, new Shape(1, 3)))
        .isCloseTo(0.7076059f, within(1e-5f));
    Loss plain = build(new SoftmaxCrossEntropy(), CLASSES, Map.of());
    assertThat(evaluate(plain, new float[] {2}, LOGITS, new Shape(1, 3)))
        .isCloseTo(0.4076059f, within(1e-5f));
  }

  @Test
  void sigmoidBinaryCrossEntropyOnEachClassScore() {
    // logits [0, 2], label 1 → targets [0, 1]: log 2 and log(1 + e^−2), mean 0.4100376
    Loss bce = build(new SigmoidBinaryCrossEntropy(), CLASSES, Map.of());
    assertThat(evaluate(bce, new float[] {1}, new float[] {0, 2}, new Shape(1, 2)))
        .isCloseTo(0.4100376f, within(1e-6f));
    // large logits stay finite (the stable form)
    assertThat(evaluate(bce, new float[] {0}, new float[] {-200, 200}, new Shape(1, 2)))
        .isCloseTo(200f, within(1e-3f));
  }

  @Test
  void hingeSumsTheMarginViolationsOfWrongClasses() {
    float[] twice = {1, 2, 3, 1, 2, 3};
    // label 0: max(0, 1 + 2 − 1) + max(0, 1 + 3 − 1) = 5; label 2: 0 + 0 → mean 2.5
    Loss hinge = build(new Hinge(), CLASSES, Map.of());
    assertThat(evaluate(hinge, new float[] {0, 2}, twice, new Shape(2, 3)))
        .isCloseTo(2.5f, within(1e-6f));
    // margin 0, the perceptron criterion: (1 + 2) and 0 → 1.5
    Loss perceptron = build(new Hinge(), CLASSES, Map.of("margin", 0));
    assertThat(evaluate(perceptron, new float[] {0, 2}, twice, new Shape(2, 3)))
        .isCloseTo(1.5f, within(1e-6f));
    // two classes: the binary hinge max(0, 1 − y·z) on z = s₁ − s₀
    assertThat(evaluate(hinge, new float[] {1}, new float[] {0, 0.25f}, new Shape(1, 2)))
        .isCloseTo(0.75f, within(1e-6f));
    assertThat(evaluate(hinge, new float[] {0}, new float[] {0, 0.25f}, new Shape(1, 2)))
        .isCloseTo(1.25f, within(1e-6f));
  }

  @Test
  void klDivergenceIsSmoothedCrossEntropyMinusTheTargetsEntropy() {
    // H(q) for q = [0.1, 0.1, 0.8] is 0.6390319; 0.7076059 − 0.6390319 = 0.0685740
    Loss kl = build(new KlDivergence(), CLASSES, Map.of("labelSmoothing", 0.3));
    assertThat(evaluate(kl, new float[] {2}, LOGITS, new Shape(1, 3)))
        .isCloseTo(0.068574f, within(1e-5f));
    // one-hot target: KL = cross-entropy
    Loss oneHot = build(new KlDivergence(), CLASSES, Map.of("labelSmoothing", 0));
    assertThat(evaluate(oneHot, new float[] {2}, LOGITS, new Shape(1, 3)))
        .isCloseTo(0.4076059f, within(1e-5f));
  }

  @Test
  void tasksAndParameterErrors() {
    assertThat(new Huber().task()).isEqualTo(Task.REGRESSION);
    assertThat(
            List.of(
                new SigmoidBinaryCrossEntropy().task(),
                new Hinge().task(),
                new KlDivergence().task()))
        .containsOnly(Task.CLASSIFICATION);
    assertThatThrownBy(() -> build(new SoftmaxCrossEntropy(), CLASSES, Map.of("labelSmoothing", 1)))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("loss.labelSmoothing: 1 is not allowed");
    assertThatThrownBy(() -> build(new Huber(), REGRESSION, Map.of("delta", 0)))
        .hasMessageStartingWith("loss.delta: 0 is not allowed");
    assertThatThrownBy(() -> build(new Hinge(), CLASSES, Map.of("margin", -1)))
        .hasMessageStartingWith("loss.margin: -1 is not allowed");
  }
}
