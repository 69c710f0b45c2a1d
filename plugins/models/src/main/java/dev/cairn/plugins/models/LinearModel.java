package dev.cairn.plugins.models;

import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import java.util.List;
import org.pf4j.Extension;

/**
 * A single fully connected layer on the flattened input: linear regression for regression data (one
 * output per target value), a linear classifier producing one logit per class otherwise.
 */
@Extension
public class LinearModel implements ModelProvider {

  @Override
  public String id() {
    return "linear";
  }

  @Override
  public String description() {
    return "flatten + one Linear layer (linear regression, or logits for classification)";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of();
  }

  @Override
  public Block build(Params params, ModelContext context) {
    return new SequentialBlock()
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(context.dataset().outputSize()).build());
  }
}
