package dev.cairn.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float tensor in row-major order, first dimension = examples. Datasets hand their data to
 * the core in this form so that plugins need no engine.
 */
public record Tensor(float[] data, long[] shape) {

  public Tensor {
    Objects.requireNonNull(data, "data");
    shape = shape.clone();
    if (shape.length == 0) {
      throw new IllegalArgumentException("a tensor needs at least one dimension (examples)");
    }
    long size = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      size *= d;
    }
    if (size != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + size + " values, got " + data.length);
    }
  }

  /** Number of examples (the first dimension). */
  public int examples() {
    return (int) shape[0];
  }

  /** Shape of one example (all dimensions but the first). */
  public long[] exampleShape() {
    return Arrays.copyOfRange(shape, 1, shape.length);
  }

  /** Values per example. */
  public int exampleSize() {
    return shape[0] == 0 ? 0 : data.length / (int) shape[0];
  }

  /** The first {@code n} examples (a copy). */
  public Tensor head(int n) {
    int k = Math.min(n, examples());
    long[] s = shape.clone();
    s[0] = k;
    return new Tensor(Arrays.copyOf(data, k * exampleSize()), s);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}
