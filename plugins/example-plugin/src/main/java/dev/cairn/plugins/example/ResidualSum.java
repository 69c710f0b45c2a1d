package dev.cairn.plugins.example;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import java.util.List;

/**
 * Branches that all see the same input, summed: {@code x + f(x)} with an identity branch. A class
 * of its own (not a bare {@code ParallelBlock} with a lambda) so that an ONNX converter can tell
 * what its join does.
 */
public final class ResidualSum extends ParallelBlock {
  public ResidualSum(List<Block> branches) {
    super(ResidualSum::sum, branches);
  }

  private static NDList sum(List<NDList> branches) {
    NDArray total = branches.get(0).singletonOrThrow();
    for (int i = 1; i < branches.size(); i++) {
      total = total.add(branches.get(i).singletonOrThrow());
    }
    return new NDList(total);
  }
}
