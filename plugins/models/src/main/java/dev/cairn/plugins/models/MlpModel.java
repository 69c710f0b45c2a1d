package dev.cairn.plugins.models;

import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.onnx.OnnxConverter;
import java.util.List;
import org.pf4j.Extension;

/**
 * A multilayer perceptron: flatten, then for each hidden size {@code Linear → (BatchNorm) →
 * activation → (Dropout)}, then a {@code Linear} output layer. All layers sit in one flat {@link
 * SequentialBlock} of standard DJL blocks, which keeps the model exportable to ONNX.
 */
@Extension
public class MlpModel implements ModelProvider {

  @Override
  public String id() {
    return "mlp";
  }

  @Override
  public String description() {
    return "multilayer perceptron: [Linear, (BatchNorm), activation, (Dropout)] per hidden layer";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofIntList("hidden", List.of(256), "sizes of the hidden layers; [] = none")
            .greaterThan(0),
        ParamSpec.ofChoice(
            "activation", "relu", Activations.NAMES, "activation after each hidden layer"),
        ParamSpec.ofDouble("dropout", 0.0, "dropout rate after each hidden layer; 0 = none")
            .atLeast(0)
            .atMost(0.99),
        ParamSpec.ofBoolean("batchNorm", false, "batch normalisation before each activation"));
  }

  @Override
  public List<OnnxConverter> onnxConverters() {
    return ModelConverters.ALL;
  }

  @Override
  public Block build(Params params, ModelContext context) {
    String activation = params.getString("activation");
    float dropout = params.getFloat("dropout");
    boolean batchNorm = params.getBoolean("batchNorm");
    SequentialBlock net = new SequentialBlock().add(Blocks.batchFlattenBlock());
    for (int units : params.getIntList("hidden")) {
      net.add(Linear.builder().setUnits(units).build());
      if (batchNorm) {
        net.add(BatchNorm.builder().build());
      }
      net.add(Activations.block(activation));
      if (dropout > 0) {
        net.add(Dropout.builder().optRate(dropout).build());
      }
    }
    return net.add(Linear.builder().setUnits(context.dataset().outputSize()).build());
  }
}
