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
 * LeNet-5 as in d2l: {@code conv 5×5 → 6 (padding 2), σ, avg-pool 2 → conv 5×5 → 16, σ, avg-pool 2
 * → 120 → 84 → outputs}, sigmoids throughout. On 28×28 images the second pooling leaves 16×5×5 =
 * 400 values and the network has 61,706 parameters for 10 classes. {@code activation}, {@code pool}
 * and {@code batchNorm} give the notes' modern variants (ReLU, max-pooling, BN after each layer).
 */
@Extension
public class LeNetModel implements ModelProvider {

  @Override
  public String id() {
    return "lenet";
  }

  @Override
  public String description() {
    return "LeNet-5: conv5(6) pool conv5(16) pool 120 84 out; sigmoid + average pooling as in 1998";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofChoice(
            "activation", "sigmoid", Activations.NAMES, "activation after each layer"),
        ParamSpec.ofChoice("pool", "avg", List.of("avg", "max"), "pooling after each convolution"),
        ParamSpec.ofBoolean("batchNorm", false, "batch normalisation before each activation"));
  }

  @Override
  public List<OnnxConverter> onnxConverters() {
    return ModelConverters.ALL;
  }

  @Override
  public Block build(Params params, ModelContext context) {
    String activation = params.getString("activation");
    boolean max = params.getString("pool").equals("max");
    boolean bn = params.getBoolean("batchNorm");
    Layers l = new Layers(new SequentialBlock(), FeatureMap.of(id(), context.dataset()));
    l.conv(6, 5, 1, 2);
    normAndActivate(l, bn, activation);
    pool(l, max);
    l.conv(16, 5, 1, 0);
    normAndActivate(l, bn, activation);
    pool(l, max);
    l.flatten().dense(120);
    normAndActivate(l, bn, activation);
    l.dense(84);
    normAndActivate(l, bn, activation);
    return l.dense(context.dataset().outputSize()).net();
  }

  private static void normAndActivate(Layers l, boolean bn, String activation) {
    if (bn) {
      l.batchNorm();
    }
    l.activation(activation);
  }

  private static void pool(Layers l, boolean max) {
    if (max) {
      l.maxPool(2, 2, 0);
    } else {
      l.avgPool(2, 2);
    }
  }
}
