package dev.cairn.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
   * Copies every parameter of {@code target} that {@code source} has under the same name and shape,
   * except those named in {@code skip}. Both blocks must be initialised.
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
      if (src == null
          || skip.contains(p.getKey())
          || !src.getArray().getShape().equals(dst.getShape())) {
        kept.add(p.getKey());
        continue;
      }
      assign(dst, src.getArray());
      loaded.add(p.getKey());
    }
    return new Result(loaded, kept);
  }

  /**
   * Overwrites {@code target} in place with {@code values} (same shape; converted to the target's
   * device and type), with autograd off. An in-place indexed copy rather than {@code
   * NDArray.set(Buffer)}: DJL's native {@code set} opens libtorch's deprecated {@code
   * AutoNonVariableTypeMode} guard, and libtorch prints a deprecation warning the first time.
   */
  static void assign(NDArray target, NDArray values) {
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager scratch = target.getManager().newSubManager()) {
      NDArray copy = values.toDevice(target.getDevice(), true);
      copy.attach(scratch);
      target.set(new NDIndex("..."), copy.toType(target.getDataType(), false));
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  /** {@link #assign(NDArray, NDArray)} from Java floats. */
  static void assign(NDArray target, float[] values) {
    try (NDManager scratch = target.getManager().newSubManager();
        NDArray array = scratch.create(values, target.getShape())) {
      assign(target, array);
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
    Set<String> head = new LinkedHashSet<>();
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
