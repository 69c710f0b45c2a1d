package dev.cairn.plugins.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.LossProvider;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.Task;
import java.util.List;
import org.pf4j.Extension;

/**
 * The multi-class hinge loss (Weston and Watkins): {@code Σ_{j≠y} max(0, m − (s_y − s_j))}, the
 * batch mean. On two classes it is the SVM's binary hinge {@code max(0, m − y·z)} on the score
 * difference {@code z = s₁ − s₀}, {@code y = ±1}; with margin 0 it is the perceptron criterion
 * (only misclassified points cost anything).
 */
@Extension
public class Hinge implements LossProvider {

  @Override
  public String id() {
    return "hinge";
  }

  @Override
  public String description() {
    return "multi-class hinge: sum over wrong classes of max(0, margin - (s_y - s_j)); margin 0 ="
        + " perceptron criterion";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofDouble("margin", 1.0, "required score margin; 0 = perceptron").atLeast(0));
  }

  @Override
  public Task task() {
    return Task.CLASSIFICATION;
  }

  @Override
  public Loss build(Params params, DatasetInfo dataset) {
    float margin = params.getFloat("margin");
    return new Loss("HingeLoss") {
      @Override
      public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray s = ClassScores.logits(predictions);
        NDArray oneHot = ClassScores.oneHot(labels, s);
        NDArray correct = s.mul(oneHot).sum(new int[] {1}, true);
        NDArray violations = s.sub(correct).add(margin).maximum(0).mul(oneHot.neg().add(1));
        return violations.sum(new int[] {1}).mean();
      }
    };
  }
}
