package dev.cairn.plugins.models;

import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Task;
import java.util.List;
import org.pf4j.Extension;

/**
 * Rosenblatt's perceptron: one linear layer and a hard decision. It scores each class with {@code
 * xᵀwₖ + bₖ} and predicts the best; with two classes that is the course's rule {@code y(xᵀw + b) >
 * 0} for {@code w = w₁ − w₀}. Whatever the loss, its decision boundary is a hyperplane, so it
 * cannot fit XOR (at most 3 of the 4 points). Train it with the perceptron criterion ({@code loss:
 * {plugin: hinge, margin: 0}}) or any classification loss.
 */
@Extension
public class PerceptronModel implements ModelProvider {

  @Override
  public String id() {
    return "perceptron";
  }

  @Override
  public String description() {
    return "perceptron: one Linear layer, predicts the class with the highest score"
        + " (a hyperplane: cannot fit XOR)";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of();
  }

  @Override
  public Block build(Params params, ModelContext context) {
    if (context.dataset().task() != Task.CLASSIFICATION) {
      throw new SpecException(
          "model", "perceptron classifies; the dataset is regression: use the 'linear' model");
    }
    return new SequentialBlock()
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(context.dataset().numClasses()).build());
  }
}
