package dev.cairn.core.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.cairn.spi.onnx.OnnxExportException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Checks an export before it is kept: runs ONNX Runtime (CPU) and DJL's inference-mode forward pass
 * on the same seeded probe batch and compares every output value. A batch of one is run too, which
 * proves the batch dimension is really dynamic.
 */
public final class ExportVerifier {
  /** Absolute part of the largest |ORT − DJL| an export may show. */
  public static final double TOLERANCE = 1e-4;

  /** Relative part: the allowed difference grows by this share of |DJL|. */
  public static final double RELATIVE_TOLERANCE = 1e-5;

  public static final int PROBE_EXAMPLES = 8;

  private ExportVerifier() {}

  /** A seeded N(0, 1) probe batch of {@code examples} examples of {@code exampleShape}. */
  public static float[] probe(long[] exampleShape, int examples, long seed) {
    long size = examples;
    for (long d : exampleShape) {
      size *= d;
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[] data = new float[Math.toIntExact(size)];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) gaussian(random);
    }
    return data;
  }

  private static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /** DJL's inference-mode output for a probe batch: values and shape. */
  public record Reference(float[] input, long[] inputShape, float[] output, long[] outputShape) {}

  /**
   * Runs DJL's forward pass (inference mode) on a seeded probe batch of {@link #PROBE_EXAMPLES}.
   */
  public static Reference reference(
      Block block, NDManager manager, long[] exampleShape, long seed) {
    long[] shape = prepend(PROBE_EXAMPLES, exampleShape);
    float[] input = probe(exampleShape, PROBE_EXAMPLES, seed);
    try (NDManager m = manager.newSubManager()) {
      NDArray x = m.create(input, new Shape(shape));
      NDArray y;
      try {
        y = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
      } catch (RuntimeException e) {
        throw new OnnxExportException(
            "DJL's own forward pass fails on the seeded probe batch (N(0, 1) floats of shape "
                + Arrays.toString(shape)
                + "), so the export cannot be verified: "
                + e.getMessage()
                + "; models whose inputs are indices (embeddings) or that return several outputs are not exportable yet",
            e);
      }
      return new Reference(input, shape, y.toFloatArray(), y.getShape().getShape());
    }
  }

  /**
   * Runs the exported file in ONNX Runtime (CPU) on the reference's probe batch, and on its first
   * example alone, and compares with DJL.
   *
   * @throws OnnxExportException with the numbers when the outputs differ by more than {@link
   *     #TOLERANCE}, or when ONNX Runtime cannot run the file
   */
  public static Verification verify(byte[] onnx, Reference ref) {
    float[] input = ref.input();
    long[] shape = ref.inputShape();
    float[] expected = ref.output();
    long[] expectedShape = ref.outputShape();
    OrtEnvironment env = OrtSupport.environment();
    float[] actual;
    float[] single;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(onnx, options)) {
      actual = run(env, session, input, shape, expectedShape);
      long[] one = shape.clone();
      one[0] = 1;
      long[] oneOut = expectedShape.clone();
      oneOut[0] = 1;
      single = run(env, session, Arrays.copyOf(input, input.length / PROBE_EXAMPLES), one, oneOut);
    } catch (OrtException e) {
      throw new OnnxExportException(
          "ONNX Runtime cannot run the exported graph: " + e.getMessage(), e);
    }
    int perExample = expected.length / PROBE_EXAMPLES;
    Verification v =
        compare(expected, actual, Arrays.copyOf(single, Math.min(single.length, perExample)));
    if (!v.passed()) {
      int at = worst(expected, actual);
      throw new OnnxExportException(
          String.format(
              Locale.ROOT,
              "the export does not match DJL: max |ONNX Runtime - DJL| = %.3g at output value %d (example %d;"
                  + " DJL %.6g, ONNX Runtime %.6g) on a seeded probe batch of %d; allowed %.0e + %.0e * |DJL|."
                  + " The file was not kept",
              v.maxAbsDiff(),
              at,
              at / Math.max(1, perExample),
              expected[at],
              actual[at],
              PROBE_EXAMPLES,
              TOLERANCE,
              RELATIVE_TOLERANCE));
    }
    return v;
  }

  /**
   * Compares ORT's outputs for the probe batch ({@code actual}) and for its first example alone
   * ({@code single}) with DJL's ({@code expected}), allclose-style. NaN counts as a mismatch.
   */
  static Verification compare(float[] expected, float[] actual, float[] single) {
    double maxAbs = 0;
    double maxExcess = 0;
    for (int k = 0; k < 2; k++) {
      float[] got = k == 0 ? actual : single;
      for (int i = 0; i < got.length; i++) {
        double d = Math.abs((double) expected[i] - got[i]);
        if (Double.isNaN(d)) {
          d = Double.POSITIVE_INFINITY;
        }
        maxAbs = Math.max(maxAbs, d);
        maxExcess = Math.max(maxExcess, d - RELATIVE_TOLERANCE * Math.abs(expected[i]));
      }
    }
    return new Verification(PROBE_EXAMPLES, maxAbs, TOLERANCE, RELATIVE_TOLERANCE, maxExcess);
  }

  /** Index of the value furthest outside the tolerance. */
  private static int worst(float[] expected, float[] actual) {
    int at = 0;
    double worst = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < actual.length; i++) {
      double d = Math.abs((double) expected[i] - actual[i]);
      double excess =
          Double.isNaN(d)
              ? Double.POSITIVE_INFINITY
              : d - RELATIVE_TOLERANCE * Math.abs(expected[i]);
      if (excess > worst) {
        worst = excess;
        at = i;
      }
    }
    return at;
  }

  private static float[] run(
      OrtEnvironment env, OrtSession session, float[] input, long[] shape, long[] expectedShape)
      throws OrtException {
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
        OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, tensor))) {
      OnnxTensor out = (OnnxTensor) result.get(0);
      long[] outShape = out.getInfo().getShape();
      if (!Arrays.equals(outShape, expectedShape)) {
        throw new OnnxExportException(
            "the exported graph outputs shape "
                + Arrays.toString(outShape)
                + " but DJL outputs "
                + Arrays.toString(expectedShape));
      }
      FloatBuffer buf = out.getFloatBuffer();
      float[] values = new float[buf.remaining()];
      buf.get(values);
      return values;
    }
  }

  /** {@code [first, rest...]}: a batch shape from an example shape. */
  public static long[] prepend(long first, long[] rest) {
    long[] out = new long[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }
}
