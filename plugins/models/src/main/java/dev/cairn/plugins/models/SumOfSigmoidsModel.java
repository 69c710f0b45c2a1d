package dev.cairn.plugins.models;

import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.onnx.OnnxConverter;
import java.util.List;
import org.pf4j.Extension;

/**
 * The course's sum of sigmoids {@code y = b + Σᵢ cᵢ σ(Σⱼ wᵢⱼ xⱼ + bᵢ)}: {@code units} sigmoids (one
 * hidden layer) whose weighted sum approximates any continuous curve as {@code units} grows. {@code
 * activation: relu} swaps the sigmoids for hinges ({@code cᵢ max(0, ·)}), the notes' comparison.
 */
@Extension
public class SumOfSigmoidsModel implements ModelProvider {

  @Override
  public String id() {
    return "sum-of-sigmoids";
  }

  @Override
  public String description() {
    return "y = b + sum_i c_i sigmoid(w_i . x + b_i): one hidden layer of `units` sigmoids";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofInt("units", 3, "number of sigmoids (hidden units)").greaterThan(0),
        ParamSpec.ofChoice(
            "activation", "sigmoid", Activations.NAMES, "the unit (sigmoid in the notes)"));
  }

  @Override
  public List<OnnxConverter> onnxConverters() {
    return ModelConverters.ALL;
  }

  @Override
  public Block build(Params params, ModelContext context) {
    return new SequentialBlock()
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(params.getInt("units")).build())
        .add(Activations.block(params.getString("activation")))
        .add(Linear.builder().setUnits(context.dataset().outputSize()).build());
  }
}
