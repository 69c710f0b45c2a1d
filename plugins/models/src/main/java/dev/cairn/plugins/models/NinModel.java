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
 * Network in Network as in d2l: NiN blocks of one spatial convolution and two 1×1 convolutions
 * (each followed by ReLU) with 96, 256 and 384 channels, max-pools 3/2 between them, dropout 0.5, a
 * last NiN block with one channel per output, and global average pooling instead of dense layers,
 * so it has far fewer parameters than AlexNet or VGG. {@code stem} and {@code width} scale it for
 * small images as for {@link AlexNetModel}.
 */
@Extension
public class NinModel implements ModelProvider {

  @Override
  public String id() {
    return "nin";
  }

  @Override
  public String description() {
    return "Network in Network: conv + two 1x1 convs per block, global average pooling, no dense";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofDouble("width", 1.0, "multiplies every channel count").greaterThan(0).atMost(4),
        ParamSpec.ofDouble("dropout", 0.5, "dropout before the last block").atLeast(0).atMost(0.99),
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
      nin(l, Layers.scaled(96, w), 11, 4, 0, act);
    } else {
      nin(l, Layers.scaled(96, w), 3, 1, 1, act);
    }
    l.maxPool(3, 2, 0);
    nin(l, Layers.scaled(256, w), 5, 1, 2, act);
    l.maxPool(3, 2, 0);
    nin(l, Layers.scaled(384, w), 3, 1, 1, act);
    l.maxPool(3, 2, 0).dropout(params.getDouble("dropout"));
    nin(l, context.dataset().outputSize(), 3, 1, 1, act);
    return l.globalAvgPool().net();
  }

  private static void nin(
      Layers l, long channels, int kernel, int stride, int padding, String act) {
    l.conv(channels, kernel, stride, padding).activation(act);
    l.conv(channels, 1, 1, 0).activation(act);
    l.conv(channels, 1, 1, 0).activation(act);
  }
}
