package dev.cairn.plugins.models;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.onnx.OnnxConverter;
import java.util.List;
import org.pf4j.Extension;

/**
 * ResNet (He et al.; d2l's ResNet-18 by default): a stem, then stages of residual blocks whose
 * first block halves the image and changes the channel count (a 1×1 convolution on the shortcut),
 * global average pooling and one dense layer. A basic block is {@code conv 3×3, BN, ReLU, conv 3×3,
 * BN} plus the shortcut, then ReLU; a {@code bottleneck} block is {@code 1×1 (c/4), 3×3 (c/4), 1×1
 * (c)} with BN, as in ResNet-50. {@code residual: false} is the plain twin: the same layers and
 * depth without the shortcuts, the notes' demonstration that deep plain nets train worse.
 */
@Extension
public class ResNetModel implements ModelProvider {

  @Override
  public String id() {
    return "resnet";
  }

  @Override
  public String description() {
    return "ResNet (ResNet-18 by default) with identity / 1x1 shortcuts; residual: false = plain twin";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofIntList(
                "blocks", List.of(2, 2, 2, 2), "residual blocks per stage; [2,2,2,2] = ResNet-18")
            .greaterThan(0),
        ParamSpec.ofIntList("channels", List.of(64, 128, 256, 512), "output channels per stage")
            .greaterThan(0),
        ParamSpec.ofBoolean("residual", true, "shortcut connections; false = the plain twin"),
        ParamSpec.ofBoolean("bottleneck", false, "1x1-3x3-1x1 bottleneck blocks (ResNet-50 style)"),
        Stem.param(),
        ParamSpec.ofChoice("activation", "relu", Activations.NAMES, "activation"));
  }

  @Override
  public List<OnnxConverter> onnxConverters() {
    return ModelConverters.ALL;
  }

  @Override
  public Block build(Params params, ModelContext context) {
    List<Integer> blocks = params.getIntList("blocks");
    List<Integer> channels = params.getIntList("channels");
    if (blocks.isEmpty() || blocks.size() != channels.size()) {
      throw new SpecException(
          "model.channels",
          "has "
              + channels.size()
              + " entries but model.blocks has "
              + blocks.size()
              + "; give one channel count per stage (and at least one stage)");
    }
    boolean bottleneck = params.getBoolean("bottleneck");
    if (bottleneck) {
      for (int c : channels) {
        if (c % 4 != 0) {
          throw new SpecException(
              "model.channels",
              c
                  + " is not allowed with bottleneck: true;"
                  + " bottleneck blocks need channel counts divisible by 4");
        }
      }
    }
    String act = params.getString("activation");
    boolean residual = params.getBoolean("residual");
    Layers l = new Layers(new SequentialBlock(), FeatureMap.of(id(), context.dataset()));
    int first = channels.get(0);
    if (Stem.choose(params.getString("stem"), l.map()) == Stem.LARGE) {
      l.conv(first, 7, 2, 3).batchNorm().activation(act).maxPool(3, 2, 1);
    } else {
      l.conv(first, 3, 1, 1).batchNorm().activation(act);
    }
    long in = first;
    for (int s = 0; s < blocks.size(); s++) {
      int c = channels.get(s);
      for (int b = 0; b < blocks.get(s); b++) {
        int stride = s > 0 && b == 0 ? 2 : 1;
        l.map().conv("stage" + (s + 1) + " block" + (b + 1), c, 3, stride, 1);
        l.add(block(in, c, stride, bottleneck, residual, act));
        in = c;
      }
    }
    return l.globalAvgPool().dense(context.dataset().outputSize()).net();
  }

  private static Block block(
      long in, int out, int stride, boolean bottleneck, boolean residual, String act) {
    SequentialBlock body = new SequentialBlock();
    if (bottleneck) {
      int mid = out / 4;
      body.add(Layers.conv2d(mid, 1, 1, 0, false)).add(bn()).add(Activations.block(act));
      body.add(Layers.conv2d(mid, 3, stride, 1, false)).add(bn()).add(Activations.block(act));
      body.add(Layers.conv2d(out, 1, 1, 0, false)).add(bn());
    } else {
      body.add(Layers.conv2d(out, 3, stride, 1, false)).add(bn()).add(Activations.block(act));
      body.add(Layers.conv2d(out, 3, 1, 1, false)).add(bn());
    }
    if (!residual) {
      return body.add(Activations.block(act));
    }
    Block shortcut = null;
    if (stride != 1 || in != out) {
      shortcut = new SequentialBlock().add(Layers.conv2d(out, 1, stride, 0, false)).add(bn());
    }
    return new ResidualBlock(body, shortcut, Activations.block(act));
  }

  private static Block bn() {
    return BatchNorm.builder().build();
  }
}
