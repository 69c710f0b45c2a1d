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
 * AlexNet as in d2l: conv 96 (11×11 stride 4), max-pool 3/2, conv 256 (5×5), max-pool 3/2, three
 * 3×3 convs (384, 384, 256), max-pool 3/2, then two dropout-regularised dense layers of 4096 and
 * the output layer, ReLU throughout. Scaled for small images: the {@code small} stem (28–95 px)
 * starts with a 3×3 stride-1 convolution instead, and {@code width} multiplies every channel count
 * (0.25 trains on a CPU in minutes; 1 is the published size).
 */
@Extension
public class AlexNetModel implements ModelProvider {

  @Override
  public String id() {
    return "alexnet";
  }

  @Override
  public String description() {
    return "AlexNet: 5 convs (96-256-384-384-256) + 3 max-pools, 2 dense layers with dropout;"
        + " scaled for 28-96 px";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofDouble("width", 1.0, "multiplies every channel count").greaterThan(0).atMost(4),
        ParamSpec.ofInt("hidden", 4096, "units of the two dense layers").greaterThan(0),
        ParamSpec.ofDouble("dropout", 0.5, "dropout after each dense layer")
            .atLeast(0)
            .atMost(0.99),
        Stem.param(),
        ParamSpec.ofChoice("activation", "relu", Activations.NAMES, "activation"));
  }

  @Override
  public List<OnnxConverter> onnxConverters() {
    return ModelConverters.ALL;
  }

  @Override
  public Block build(Params params, ModelContext context) {
    double w = params.getDouble("width");
    String act = params.getString("activation");
    Layers l = new Layers(new SequentialBlock(), FeatureMap.of(id(), context.dataset()));
    if (Stem.choose(params.getString("stem"), l.map()) == Stem.LARGE) {
      l.conv(Layers.scaled(96, w), 11, 4, 1);
    } else {
      l.conv(Layers.scaled(96, w), 3, 1, 1);
    }
    l.activation(act).maxPool(3, 2, 0);
    l.conv(Layers.scaled(256, w), 5, 1, 2).activation(act).maxPool(3, 2, 0);
    l.conv(Layers.scaled(384, w), 3, 1, 1).activation(act);
    l.conv(Layers.scaled(384, w), 3, 1, 1).activation(act);
    l.conv(Layers.scaled(256, w), 3, 1, 1).activation(act).maxPool(3, 2, 0);
    int hidden = params.getInt("hidden");
    double dropout = params.getDouble("dropout");
    l.flatten().dense(hidden).activation(act).dropout(dropout);
    l.dense(hidden).activation(act).dropout(dropout);
    return l.dense(context.dataset().outputSize()).net();
  }
}
