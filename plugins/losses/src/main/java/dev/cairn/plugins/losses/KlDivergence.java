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
 * The Kullback–Leibler divergence {@code KL(q ‖ p) = Σₖ qₖ (log qₖ − log pₖ)} of the model's
 * softmax {@code p} from the target distribution {@code q}, the batch mean. The target is the
 * label-smoothed one-hot vector {@code (1 − ε)·oneHot(y) + ε/K}; it differs from smoothed
 * cross-entropy by the target's entropy, a constant, so it reaches 0 when p = q.
 */
@Extension
public class KlDivergence implements LossProvider {

  @Override
  public String id() {
    return "kl-divergence";
  }

  @Override
  public String description() {
    return "KL(target || softmax(logits)) with a label-smoothed one-hot target";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofDouble("labelSmoothing", 0.1, "ε of the target (1 - ε)·one-hot + ε/K")
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
    return new Loss("KLDivergenceLoss") {
      @Override
      public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = ClassScores.logits(predictions);
        NDArray q = ClassScores.smoothed(ClassScores.oneHot(labels, logits), epsilon);
        // 0·log 0 = 0: clip q away from 0 inside the log, where q·(...) is 0 anyway
        NDArray logQ = q.clip(1e-12f, 1f).log();
        return q.mul(logQ.sub(logits.logSoftmax(1))).sum(new int[] {1}).mean();
      }
    };
  }
}
