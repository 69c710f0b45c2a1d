package dev.cairn.plugins.models;

import ai.djl.nn.Block;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.onnx.OnnxConverter;
import java.util.List;
import org.pf4j.Extension;

/**
 * Not a network: the notes' 2-D ill-conditioned quadratic {@code f(x) = Σᵢ aᵢ xᵢ²} with the point
 * {@code x} as the only parameter, starting at {@code start}. The model ignores its input and
 * outputs f(x) for every example, so with targets 0 and the {@code l1} loss the training loss is
 * f(x) itself, and optimizers can be raced on it (the point's final position is in the run's
 * parameters). Use it with {@code synthetic-linear} data of one weight.
 */
@Extension
public class QuadraticBowlModel implements ModelProvider {

  @Override
  public String id() {
    return "quadratic-bowl";
  }

  @Override
  public String description() {
    return "f(x) = sum a_i x_i^2 of a learned point x (an ill-conditioned bowl to race optimizers on)";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofDoubleList("scales", List.of(0.1, 2.0), "a_i: the curvature along each axis")
            .greaterThan(0),
        ParamSpec.ofDoubleList("start", List.of(-5.0, -2.0), "where x starts"));
  }

  @Override
  public List<OnnxConverter> onnxConverters() {
    return ModelConverters.ALL;
  }

  @Override
  public Block build(Params params, ModelContext context) {
    List<Double> scales = params.getDoubleList("scales");
    List<Double> start = params.getDoubleList("start");
    if (scales.size() != start.size() || scales.isEmpty()) {
      throw new SpecException(
          "model.start",
          "has "
              + start.size()
              + " values for "
              + scales.size()
              + " scales; give one start value per axis");
    }
    if (context.dataset().outputSize() != 1) {
      throw new SpecException(
          "model",
          "quadratic-bowl outputs one value; use regression data with one"
              + " target (e.g. synthetic-linear)");
    }
    return new QuadraticBowlBlock(toFloats(scales), toFloats(start));
  }

  private static float[] toFloats(List<Double> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i).floatValue();
    }
    return out;
  }
}
