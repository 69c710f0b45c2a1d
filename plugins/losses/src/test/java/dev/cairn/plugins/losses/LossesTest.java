package dev.cairn.plugins.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.LossProvider;
import dev.cairn.spi.Params;
import dev.cairn.spi.Task;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Values from COURSE.md's hand-checked list and worked by hand. */
class LossesTest {
  private static final DatasetInfo REGRESSION =
      DatasetInfo.regression(new long[] {2}, new long[] {1});
  private static final DatasetInfo CLASSES =
      DatasetInfo.classification(new long[] {3}, List.of("a", "b", "c"));

  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private static Loss build(LossProvider provider, DatasetInfo dataset) {
    return provider.build(Params.validate("loss", provider.params(), Map.of()), dataset);
  }

  private static float evaluate(Loss loss, NDArray labels, NDArray predictions) {
    return loss.evaluate(new NDList(labels), new NDList(predictions)).getFloat();
  }

  @Test
  void courseValuesForL1AndL2() {
    // prediction [1, 2, 3] vs truth [1, 2, 5]: L1 mean = 2/3, MSE = 4/3, so ½MSE = 2/3
    NDArray prediction = manager.create(new float[] {1, 2, 3}, new Shape(3, 1));
    NDArray truth = manager.create(new float[] {1, 2, 5}, new Shape(3, 1));
    assertThat(evaluate(build(new L1(), REGRESSION), truth, prediction))
        .isCloseTo(0.6667f, within(1e-4f));
    float halfMse = evaluate(build(new L2(), REGRESSION), truth, prediction);
    assertThat(halfMse).isCloseTo(0.6667f, within(1e-4f));
    assertThat(2 * halfMse).as("MSE").isCloseTo(1.3333f, within(1e-4f));
  }

  @Test
  void l2AcceptsTargetsWithoutTheTrailingDimension() {
    NDArray prediction = manager.create(new float[] {1, 2, 3}, new Shape(3, 1));
    NDArray truth = manager.create(new float[] {1, 2, 5});
    assertThat(evaluate(build(new L2(), REGRESSION), truth, prediction))
        .isCloseTo(0.6667f, within(1e-4f));
  }

  @Test
  void softmaxCrossEntropyWithClassIndexLabels() {
    // logits [1, 2, 3] twice; -log softmax = log(e + e² + e³) - logit = 3.4076059 - logit
    // label 2 -> 0.4076059, label 0 -> 2.4076059; mean 1.4076059
    NDArray logits = manager.create(new float[] {1, 2, 3, 1, 2, 3}, new Shape(2, 3));
    Loss loss = build(new SoftmaxCrossEntropy(), CLASSES);
    float flat = evaluate(loss, manager.create(new float[] {2, 0}), logits);
    float column = evaluate(loss, manager.create(new float[] {2, 0}, new Shape(2, 1)), logits);
    assertThat(flat).isCloseTo(1.4076059f, within(1e-5f));
    assertThat(column).as("labels of shape [batch, 1]").isCloseTo(flat, within(1e-7f));
  }

  @Test
  void tasksAndIds() {
    assertThat(new SoftmaxCrossEntropy().task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(new L2().task()).isEqualTo(Task.REGRESSION);
    assertThat(new L1().task()).isEqualTo(Task.REGRESSION);
    assertThat(List.of(new SoftmaxCrossEntropy().id(), new L2().id(), new L1().id()))
        .containsExactly("softmax-cross-entropy", "l2", "l1");
  }
}
