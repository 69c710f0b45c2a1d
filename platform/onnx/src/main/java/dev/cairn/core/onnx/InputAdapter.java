package dev.cairn.core.onnx;

import dev.cairn.core.onnx.OnnxModelException.Reason;
import java.util.Arrays;

/**
 * Fits a user's values to a model input: same rank with matching fixed dimensions; or one dimension
 * short (a single example: a batch of 1 is added); or the right number of values per example in
 * another layout (e.g. 784 pixels for a [batch, 1, 28, 28] input: reshaped).
 */
public final class InputAdapter {
  private InputAdapter() {}

  public static TensorData fit(TensorSpec spec, double[] values, long[] shape) {
    return TensorData.fromDoubles(spec.type(), values, shapeFor(spec, shape, values.length));
  }

  /** Values read exactly in the input's type (see {@link TensorJson#parseRequest}). */
  public static TensorData fit(TensorSpec spec, TensorJson.Parsed parsed) {
    return TensorData.fromParsed(
        spec.type(), parsed, shapeFor(spec, parsed.shape(), parsed.count()));
  }

  /** The float fast path (dataset features): no copy when the input is a float tensor. */
  public static TensorData fit(TensorSpec spec, float[] values, long[] shape) {
    long[] target = shapeFor(spec, shape, values.length);
    if (spec.type().equals("float")) {
      return TensorData.ofFloats(values, target);
    }
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return TensorData.fromDoubles(spec.type(), d, target);
  }

  /** The shape {@code count} values given as {@code shape} take when fed to {@code spec}. */
  public static long[] shapeFor(TensorSpec spec, long[] shape, long count) {
    if (!spec.isTensor()) {
      throw new OnnxModelException(
          Reason.BAD_INPUT,
          "input '"
              + spec.name()
              + "' is a "
              + spec.type()
              + ", which predict cannot feed; only tensors are supported");
    }
    if (!TensorData.TYPES.contains(spec.type())) {
      throw new OnnxModelException(
          Reason.BAD_INPUT,
          "input '"
              + spec.name()
              + "' has element type "
              + spec.type()
              + ", which predict cannot feed; supported: "
              + TensorData.TYPES);
    }
    long[] want = spec.shape();
    if (want.length == 0) {
      if (count != 1) {
        throw mismatch(spec, shape, "a scalar");
      }
      return new long[0];
    }
    if (matches(want, shape)) {
      return shape;
    }
    long[] withBatch = new long[shape.length + 1];
    withBatch[0] = 1;
    System.arraycopy(shape, 0, withBatch, 1, shape.length);
    if (matches(want, withBatch)) {
      return withBatch;
    }
    // the same values per example in another layout: reshape when the example shape is fixed
    long perExample = 1;
    for (int i = 1; i < want.length; i++) {
      if (want[i] < 0) {
        throw mismatch(spec, shape, null);
      }
      perExample *= want[i];
    }
    long batch = shape.length > 1 ? shape[0] : 1;
    if (perExample > 0 && count == batch * perExample && (want[0] < 0 || want[0] == batch)) {
      long[] reshaped = want.clone();
      reshaped[0] = batch;
      return reshaped;
    }
    throw mismatch(spec, shape, null);
  }

  private static boolean matches(long[] want, long[] got) {
    if (want.length != got.length) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      if (want[i] >= 0 && want[i] != got[i]) {
        return false;
      }
    }
    return true;
  }

  private static OnnxModelException mismatch(TensorSpec spec, long[] got, String wanted) {
    return new OnnxModelException(
        Reason.BAD_INPUT,
        "input '"
            + spec.name()
            + "' takes "
            + (wanted != null ? wanted : "shape " + spec.describeShape())
            + " ("
            + spec.type()
            + "); got shape "
            + Arrays.toString(got)
            + ". Give a batch of examples, one example (the batch of 1 is added), or the same"
            + " number of values per example in another layout");
  }
}
