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
 * The notes' CNN with batch normalisation: {@code blocks} × [conv 3×3 (padding 1) → {@code
 * channels}, BatchNorm, ReLU, max-pool 2] → flatten → Linear({@code hidden}) → ReLU →
 * Linear(outputs). The notes' Linear(128, 64) is what 16×16 inputs flatten to (32 × 2 × 2); 28×28
 * Fashion-MNIST images flatten to 32 × 3 × 3 = 288, which DJL's Linear infers. {@code batchNorm:
 * false} is the notes' comparison: the same net without BN converges more slowly.
 */
@Extension
public class CnnModel implements ModelProvider {

  @Override
  public String id() {
    return "cnn";
  }

  @Override
  public String description() {
    return "the notes' CNN: blocks x [conv3x3, BatchNorm, ReLU, maxpool2] -> hidden -> ReLU -> out";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofInt("blocks", 3, "number of conv blocks").greaterThan(0),
        ParamSpec.ofInt("channels", 32, "filters of every convolution").greaterThan(0),
        ParamSpec.ofInt("hidden", 64, "units of the hidden fully connected layer").greaterThan(0),
        ParamSpec.ofBoolean("batchNorm", true, "batch normalisation after each convolution"),
        ParamSpec.ofChoice("activation", "relu", Activations.NAMES, "activation"),
        ParamSpec.ofDouble("dropout", 0.0, "dropout before the output layer; 0 = none")
            .atLeast(0)
            .atMost(0.99));
  }

  @Override
  public List<OnnxConverter> onnxConverters() {
    return ModelConverters.ALL;
  }

  @Override
  public Block build(Params params, ModelContext context) {
    String activation = params.getString("activation");
    Layers l = new Layers(new SequentialBlock(), FeatureMap.of(id(), context.dataset()));
    for (int i = 0; i < params.getInt("blocks"); i++) {
      l.conv(params.getInt("channels"), 3, 1, 1);
      if (params.getBoolean("batchNorm")) {
        l.batchNorm();
      }
      l.activation(activation).maxPool(2, 2, 0);
    }
    l.flatten().dense(params.getInt("hidden")).activation(activation);
    l.dropout(params.getDouble("dropout"));
    return l.dense(context.dataset().outputSize()).net();
  }
}
