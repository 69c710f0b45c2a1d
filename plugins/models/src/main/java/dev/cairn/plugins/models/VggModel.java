package dev.cairn.plugins.models;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.onnx.OnnxConverter;
import java.util.List;
import org.pf4j.Extension;

/**
 * VGG as in d2l: blocks of {@code n × (conv 3×3, padding 1, ReLU)} each followed by a 2×2 max-pool
 * of stride 2, then dense 4096 → 4096 → outputs with dropout 0.5. The architecture is the notes'
 * {@code conv_arch} written as two lists, {@code convs} (convolutions per block) and {@code
 * channels} (their filters); the default is VGG-11, ((1,64),(1,128),(2,256),(2,512),(2,512)). Each
 * block halves the image, so five blocks need at least 32×32 pixels; an arch that would pool the
 * image below one pixel is refused before training.
 */
@Extension
public class VggModel implements ModelProvider {
  static final List<Integer> VGG11_CONVS = List.of(1, 1, 2, 2, 2);
  static final List<Integer> VGG11_CHANNELS = List.of(64, 128, 256, 512, 512);

  @Override
  public String id() {
    return "vgg";
  }

  @Override
  public String description() {
    return "VGG: blocks of n x (conv3x3 + ReLU) + maxpool2, then 4096-4096 dense; VGG-11 default";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofIntList(
                "convs", VGG11_CONVS, "convolutions per block (conv_arch's first values)")
            .greaterThan(0),
        ParamSpec.ofIntList(
                "channels", VGG11_CHANNELS, "filters per block (conv_arch's second values)")
            .greaterThan(0),
        ParamSpec.ofInt("hidden", 4096, "units of the two dense layers").greaterThan(0),
        ParamSpec.ofDouble("dropout", 0.5, "dropout after each dense layer")
            .atLeast(0)
            .atMost(0.99),
        ParamSpec.ofBoolean("batchNorm", false, "batch normalisation after each convolution"),
        ParamSpec.ofChoice("activation", "relu", Activations.NAMES, "activation"));
  }

  @Override
  public List<OnnxConverter> onnxConverters() {
    return ModelConverters.ALL;
  }

  @Override
  public Block build(Params params, ModelContext context) {
    List<Integer> convs = params.getIntList("convs");
    List<Integer> channels = params.getIntList("channels");
    if (convs.isEmpty()) {
      throw new SpecException(
          "model.convs", "empty; expected at least one block, e.g. [1, 1, 2, 2, 2]");
    }
    if (convs.size() != channels.size()) {
      throw new SpecException(
          "model.channels",
          "has "
              + channels.size()
              + " entries but model.convs has "
              + convs.size()
              + "; give one filter count per block");
    }
    DatasetInfo dataset = context.dataset();
    FeatureMap map = FeatureMap.of(id(), dataset);
    checkArchFits(convs.size(), map);
    String act = params.getString("activation");
    Layers l = new Layers(new SequentialBlock(), map);
    for (int b = 0; b < convs.size(); b++) {
      for (int i = 0; i < convs.get(b); i++) {
        l.conv(channels.get(b), 3, 1, 1);
        if (params.getBoolean("batchNorm")) {
          l.batchNorm();
        }
        l.activation(act);
      }
      l.maxPool(2, 2, 0);
    }
    int hidden = params.getInt("hidden");
    double dropout = params.getDouble("dropout");
    l.flatten().dense(hidden).activation(act).dropout(dropout);
    l.dense(hidden).activation(act).dropout(dropout);
    return l.dense(dataset.outputSize()).net();
  }

  /** Each block halves the image: say which block would take it below one pixel. */
  private static void checkArchFits(int blocks, FeatureMap map) {
    long side = map.side();
    for (int b = 1; b <= blocks; b++) {
      side /= 2;
      if (side < 1) {
        throw new SpecException(
            "model.convs",
            "a VGG arch of "
                + blocks
                + " blocks halves the image "
                + blocks
                + " times, but the "
                + map.height()
                + "x"
                + map.width()
                + " input is below 1 pixel after block "
                + b
                + "; use at most "
                + (b - 1)
                + " blocks or images of at least "
                + (1L << blocks)
                + " pixels (dataset resize)");
      }
    }
  }
}
