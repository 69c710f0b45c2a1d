package dev.cairn.plugins.datasets;

import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.Split;
import dev.cairn.spi.Tensor;
import java.util.List;
import org.pf4j.Extension;

/**
 * The four XOR points {@code (0,0) (0,1) (1,0) (1,1)} with label {@code a xor b}: the classic data
 * a perceptron cannot fit and a small MLP can. Features {@code [4·repeat, 2]}, labels class indices
 * of shape {@code [4·repeat]}. The test split is the train split.
 */
@Extension
public class XorDataset implements DatasetProvider {
  private static final float[][] POINTS = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};

  @Override
  public String id() {
    return "xor";
  }

  @Override
  public String description() {
    return "the 4 XOR points, label = a xor b (2 classes)";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofInt("repeat", 1, "how many times the 4 points are repeated")
            .atLeast(1)
            .atMost(1_000_000));
  }

  @Override
  public DatasetSplits load(Params params, DatasetContext context) {
    int n = POINTS.length * params.getInt("repeat");
    float[] features = new float[n * 2];
    float[] labels = new float[n];
    for (int i = 0; i < n; i++) {
      float[] p = POINTS[i % POINTS.length];
      features[2 * i] = p[0];
      features[2 * i + 1] = p[1];
      labels[i] = p[0] != p[1] ? 1 : 0;
    }
    Split split =
        new Split(new Tensor(features, new long[] {n, 2}), new Tensor(labels, new long[] {n}));
    DatasetInfo info = DatasetInfo.classification(new long[] {2}, List.of("0", "1"));
    return new DatasetSplits(info, split, null, split);
  }
}
