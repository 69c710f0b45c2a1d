package dev.cairn.plugins.losses;

import ai.djl.training.loss.L1Loss;
import ai.djl.training.loss.Loss;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.LossProvider;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.Task;
import java.util.List;
import org.pf4j.Extension;

/** The absolute error {@code |ŷ − y|} averaged over the batch. */
@Extension
public class L1 implements LossProvider {

  @Override
  public String id() {
    return "l1";
  }

  @Override
  public String description() {
    return "absolute error |y_hat - y|, batch mean (regression)";
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
    return new L1Loss();
  }
}
