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
 * The Huber loss: {@code ½r²} for residuals {@code |r| ≤ δ}, {@code δ(|r| − ½δ)} beyond, the mean
 * over the batch and outputs (PyTorch's {@code HuberLoss}): quadratic near the target like L2,
 * linear far from it like L1, so outliers pull less.
 */
@Extension
public class Huber implements LossProvider {

  @Override
  public String id() {
    return "huber";
  }

  @Override
  public String description() {
    return "Huber: 1/2 r^2 for |r| <= delta, delta (|r| - delta/2) beyond, batch mean (regression)";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofDouble("delta", 1.0, "where the loss turns from quadratic to linear")
            .greaterThan(0));
  }

  @Override
  public Task task() {
    return Task.REGRESSION;
  }

  @Override
  public Loss build(Params params, DatasetInfo dataset) {
    float delta = params.getFloat("delta");
    return new Loss("HuberLoss") {
      @Override
      public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray prediction = predictions.singletonOrThrow();
        NDArray r = prediction.sub(labels.head().reshape(prediction.getShape())).abs();
        NDArray quadratic = r.square().mul(0.5f);
        NDArray linear = r.sub(0.5f * delta).mul(delta);
        return r.lte(delta)
            .toType(r.getDataType(), false)
            .mul(quadratic)
            .add(r.gt(delta).toType(r.getDataType(), false).mul(linear))
            .mean();
      }
    };
  }
}
