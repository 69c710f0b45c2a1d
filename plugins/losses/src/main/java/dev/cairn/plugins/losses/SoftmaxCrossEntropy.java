package dev.cairn.plugins.losses;

import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.LossProvider;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.Task;
import java.util.List;
import org.pf4j.Extension;

/**
 * Cross-entropy with the softmax folded in: the model outputs logits, labels are class indices
 * (shape {@code [batch]} or {@code [batch, 1]}), and the loss is the batch mean of {@code -log
 * softmax(ŷ)[y]}. With {@code labelSmoothing} ε the target is {@code (1 − ε)·oneHot(y) + ε/K}
 * instead of the one-hot vector, which keeps the model from growing over-confident logits.
 */
@Extension
public class SoftmaxCrossEntropy implements LossProvider {

  @Override
  public String id() {
    return "softmax-cross-entropy";
  }

  @Override
  public String description() {
    return "softmax cross-entropy on logits with class-index labels, optional label smoothing";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofDouble("labelSmoothing", 0.0, "ε: target = (1 - ε)·one-hot + ε/K; 0 = none")
            .atLeast(0)
            .lessThan(1));
  }

  @Override
  public Task task() {
    return Task.CLASSIFICATION;
  }

  @Override
  public Loss build(Params params, DatasetInfo dataset) {
    float epsilon = params.getFloat("labelSmoothing");
    return epsilon == 0 ? new SoftmaxCrossEntropyLoss() : new SmoothedCrossEntropyLoss(epsilon);
  }
}
