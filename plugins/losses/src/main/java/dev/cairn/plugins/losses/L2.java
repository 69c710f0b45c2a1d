package dev.cairn.plugins.losses;

import ai.djl.training.loss.L2Loss;
import ai.djl.training.loss.Loss;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.LossProvider;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.Task;
import java.util.List;
import org.pf4j.Extension;

/**
 * The squared loss of the course, {@code ½(ŷ − y)²} averaged over the batch: half the mean squared
 * error (DJL's {@link L2Loss} default weight is ½).
 */
@Extension
public class L2 implements LossProvider {

  @Override
  public String id() {
    return "l2";
  }

  @Override
  public String description() {
    return "squared error 1/2 (y_hat - y)^2, batch mean (regression)";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of();
  }

  @Override
  public Task task() {
    return Task.REGRESSION;
  }

  @Override
  public Loss build(Params params, DatasetInfo dataset) {
    return new L2Loss();
  }
}
