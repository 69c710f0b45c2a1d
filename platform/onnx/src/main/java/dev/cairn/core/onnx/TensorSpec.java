package dev.cairn.core.onnx;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An input or output of a model as its graph declares it.
 *
 * @param name the value's name in the graph
 * @param type element type in ONNX's words, lower case ({@code float}, {@code int64}, ...), or
 *     {@code sequence} / {@code map} / {@code optional} for non-tensor values
 * @param shape dimensions; -1 where the graph leaves a dimension free (a symbolic or missing size)
 * @param dimNames the symbolic name of each free dimension ({@code batch}), "" where none
 */
public record TensorSpec(String name, String type, long[] shape, List<String> dimNames) {
  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    shape = shape == null ? new long[0] : shape.clone();
    dimNames = dimNames == null ? List.of() : List.copyOf(dimNames);
  }

  /** Shape as users read it: {@code [batch, 1, 28, 28]}. */
  public String describeShape() {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        s.append(", ");
      }
      if (shape[i] >= 0) {
        s.append(shape[i]);
      } else {
        String dim = i < dimNames.size() ? dimNames.get(i) : "";
        s.append(dim.isEmpty() ? "?" : dim);
      }
    }
    return s.append(']').toString();
  }

  @JsonIgnore
  public boolean isTensor() {
    return !type.equals("sequence") && !type.equals("map") && !type.equals("optional");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t
        && name.equals(t.name)
        && type.equals(t.type)
        && Arrays.equals(shape, t.shape)
        && dimNames.equals(t.dimNames);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, Arrays.hashCode(shape), dimNames);
  }

  @Override
  public String toString() {
    return name + ": " + type + describeShape();
  }
}
