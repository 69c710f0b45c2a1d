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
 * Binary cross-entropy with the sigmoid folded in, per class: each logit {@code zₖ} is a yes/no
 * score for class k, the target is the one-hot label, and the loss is the mean over batch and
 * classes of {@code max(z, 0) − z·t + log(1 + e^{−|z|})} (the stable form of {@code −t log σ(z) −
 * (1−t) log(1 − σ(z))}, as PyTorch's {@code BCEWithLogitsLoss}). On two-class data this is logistic
 * regression on each class score.
 */
@Extension
public class SigmoidBinaryCrossEntropy implements LossProvider {

  @Override
  public String id() {
    return "sigmoid-binary-cross-entropy";
  }

  @Override
  public String description() {
    return "binary cross-entropy with logits on each class score vs the one-hot label";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of();
  }

  @Override
  public Task task() {
    return Task.CLASSIFICATION;
  }

  @Override
  public Loss build(Params params, DatasetInfo dataset) {
    return new Loss("SigmoidBinaryCrossEntropyLoss") {
      @Override
      public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray z = ClassScores.logits(predictions);
        NDArray t = ClassScores.oneHot(labels, z);
        return z.maximum(0).sub(z.mul(t)).add(z.abs().neg().exp().add(1).log()).mean();
      }
    };
  }
}
