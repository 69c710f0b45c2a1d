package dev.cairn.plugins.models;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.onnx.OnnxConverter;
import java.util.List;
import org.pf4j.Extension;

/**
 * The notes' "CIFAR-quick" net: {@code Conv(20, 5×5) → max-pool 2 → Conv(50, 5×5) → max-pool 2 →
 * flatten → Linear(hidden) → ReLU → Linear(outputs)}. On 28×28 input the convolutions and pools
 * leave 50 × 4 × 4 = 800 values; on CIFAR's 32×32, 50 × 5 × 5 = 1250.
 */
@Extension
public class CifarQuickModel implements ModelProvider {

  @Override
  public String id() {
    return "cifar-quick";
  }

  @Override
  public String description() {
    return "CIFAR-quick: conv5(20) maxpool2 conv5(50) maxpool2 -> hidden -> ReLU -> out";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofInt("hidden", 500, "units of the hidden fully connected layer").greaterThan(0),
        ParamSpec.ofChoice("activation", "relu", Activations.NAMES, "activation"));
  }

  @Override
  public List<OnnxConverter> onnxConverters() {
    return ModelConverters.ALL;
  }

  @Override
  public Block build(Params params, ModelContext context) {
    Layers l = new Layers(new SequentialBlock(), FeatureMap.of(id(), context.dataset()));
    l.conv(20, 5, 1, 0).maxPool(2, 2, 0).conv(50, 5, 1, 0).maxPool(2, 2, 0);
    l.flatten().dense(params.getInt("hidden")).activation(params.getString("activation"));
    return l.dense(context.dataset().outputSize()).net();
  }
}
