package dev.cairn.plugins.example;

import ai.djl.nn.Activation;
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
 * An MLP with identity skip connections: flatten, {@code Linear(width) → ReLU}, then {@code blocks}
 * residual blocks computing {@code x + ReLU(Linear(x))}, then a {@code Linear} output layer.
 *
 * <p>A model plugin returns an uninitialised DJL {@link Block}; the core initialises it for the
 * dataset's input shape, trains it and exports it. Build it from DJL's standard blocks where you
 * can: Cairn's ONNX exporter knows how to convert those. The residual sum here is a {@link
 * ResidualSum}, a {@code ParallelBlock} whose join adds its branches; an exporter only knows such a
 * block if it has a converter for it, which this plugin contributes alongside its model ({@link
 * ResidualSumConverter}, returned by {@link #onnxConverters()}).
 */
@Extension
public class ResidualMlpModel implements ModelProvider {

  @Override
  public String id() {
    return "residual-mlp";
  }

  @Override
  public String description() {
    return "MLP with identity skip connections: x + ReLU(Linear(x)) blocks (example plugin)";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofInt("width", 64, "units in every hidden layer").greaterThan(0),
        ParamSpec.ofInt("blocks", 2, "number of residual blocks").atLeast(0));
  }

  /**
   * How the exporter writes {@link ResidualSum}: the plugin's own block, the plugin's converter.
   */
  @Override
  public List<OnnxConverter> onnxConverters() {
    return List.of(new ResidualSumConverter());
  }

  @Override
  public Block build(Params params, ModelContext context) {
    int width = params.getInt("width");
    SequentialBlock net =
        new SequentialBlock()
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(width).build()) // brings the input to `width`
            .add(Activation.reluBlock());
    for (int i = 0; i < params.getInt("blocks"); i++) {
      net.add(residual(width));
    }
    // One output per class (classification) or per target value (regression).
    return net.add(Linear.builder().setUnits(context.dataset().outputSize()).build());
  }

  /** {@code x + ReLU(Linear(x))}: both branches see the same input; the join adds their outputs. */
  static Block residual(int width) {
    Block transform =
        new SequentialBlock()
            .add(Linear.builder().setUnits(width).build())
            .add(Activation.reluBlock());
    return new ResidualSum(List.of(transform, Blocks.identityBlock()));
  }
}
