package dev.cairn.plugins.models;

import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.NormalInitializer;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Task;
import java.util.List;
import org.pf4j.Extension;

/**
 * Softmax regression as in the course: flatten, then {@code Linear(numClasses)} with weights drawn
 * from N(0, initStd²) and zero biases. It outputs logits; the softmax lives in the loss.
 */
@Extension
public class SoftmaxRegressionModel implements ModelProvider {

  @Override
  public String id() {
    return "softmax-regression";
  }

  @Override
  public String description() {
    return "flatten + Linear(numClasses), weights ~ N(0, initStd^2), zero bias (classification)";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofDouble("initStd", 0.01, "standard deviation of the initial weights")
            .greaterThan(0));
  }

  @Override
  public Block build(Params params, ModelContext context) {
    DatasetInfo dataset = context.dataset();
    if (dataset.task() != Task.CLASSIFICATION) {
      throw new SpecException(
          "model",
          "softmax-regression needs a classification dataset, but the dataset is "
              + dataset.task().name().toLowerCase()
              + "; use the 'linear' model for regression");
    }
    Block block =
        new SequentialBlock()
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(dataset.numClasses()).build());
    // Biases keep DJL's default initializer, which is zeros.
    block.setInitializer(new NormalInitializer(params.getFloat("initStd")), Parameter.Type.WEIGHT);
    return block;
  }
}
