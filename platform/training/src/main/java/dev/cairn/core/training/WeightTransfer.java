package dev.cairn.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Copies trained parameter values from one block into another of the same architecture. */
final class WeightTransfer {
  private WeightTransfer() {}

  /**
   * What was copied: parameter names loaded, and those left as initialised (missing in the source,
   * of another shape, or skipped on purpose).
   */
  record Result(List<String> loaded, List<String> kept) {}

  /**
   * Copies every parameter of {@code target} that {@code source} has under the same name and
   * shape, except those named in {@code skip}. Both blocks must be initialised.
   */
  static Result copy(Block source, Block target, Set<String> skip) {
    Map<String, Parameter> from = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : source.getParameters()) {
      from.put(p.getKey(), p.getValue());
    }
    List<String> loaded = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (Pair<String, Parameter> p : target.getParameters()) {
      Parameter src = from.get(p.getKey());
      NDArray dst = p.getValue().getArray();
      if (src == null || skip.contains(p.getKey()) || !src.getArray().getShape().equals(dst.getShape())) {
        kept.add(p.getKey());
        continue;
      }
      dst.set(floats(src.getArray()));
      loaded.add(p.getKey());
    }
    return new Result(loaded, kept);
  }

  private static float[] floats(NDArray array) {
    if (array.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32) {
      return array.toFloatArray();
    }
    try (NDArray f = array.toType(ai.djl.ndarray.types.DataType.FLOAT32, true)) {
      return f.toFloatArray();
    }
  }

  /**
   * The head: the parameters of the last layer that has trainable ones (the output layer of every
   * built-in model), found as the trainable parameters sharing the last one's block prefix.
   */
  static Set<String> head(Block block) {
    String last = null;
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().requiresGradient() || trainableType(p.getValue())) {
        last = p.getKey();
      }
    }
    if (last == null) {
      return Set.of();
    }
    String prefix = last.substring(0, last.lastIndexOf('_') + 1);
    Set<String> head = new java.util.LinkedHashSet<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getKey().startsWith(prefix) && p.getKey().indexOf('_', prefix.length()) < 0) {
        head.add(p.getKey());
      }
    }
    return head;
  }

  private static boolean trainableType(Parameter p) {
    return p.getType() == Parameter.Type.WEIGHT || p.getType() == Parameter.Type.BIAS;
  }
}
