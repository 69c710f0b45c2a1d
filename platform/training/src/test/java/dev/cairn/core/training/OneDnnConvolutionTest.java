package dev.cairn.core.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * libtorch's convolution, forward and both gradients, against a plain loop in double precision, on
 * the shapes that libtorch 2.7.1's oneDNN computes wrong on AMD Zen 5 above {@code
 * ONEDNN_MAX_CPU_ISA=SSE41} (input channels padded to its channel block of 8 or 16: the forward
 * pass with 20, the input gradient with 1 and 4; docs/gpu.md). On that CPU three of these fail with
 * {@code -Donednn.isa=AVX2} and two with {@code AVX512_CORE}.
 */
class OneDnnConvolutionTest {
  @ParameterizedTest(name = "batch {0}, {1} -> {2} channels, {3}x{3}, kernel {4}, padding {5}")
  @CsvSource({
    "8, 20, 50, 12, 5, 0", // CIFAR-quick's second convolution: forward wrong
    "16, 4, 4, 14, 3, 1", // a small ResNet block: input gradient wrong under AVX2
    "8, 1, 6, 28, 5, 2", // LeNet's first layer: input gradient wrong
    "8, 16, 32, 10, 3, 1" // unpadded: right at every level
  })
  void convolutionAndItsGradientsMatchAPlainLoop(int n, int ic, int oc, int h, int k, int pad) {
    Random random = new Random(11);
    float[] x = gaussian(random, n * ic * h * h, 1);
    float[] w = gaussian(random, oc * ic * k * k, 1 / Math.sqrt(ic * k * k));
    int o = h + 2 * pad - k + 1;
    float[] g = gaussian(random, n * oc * o * o, 1);
    double[] y = new double[g.length];
    double[] dx = new double[x.length];
    double[] dw = new double[w.length];
    for (int b = 0; b < n; b++) {
      for (int f = 0; f < oc; f++) {
        for (int i = 0; i < o; i++) {
          for (int j = 0; j < o; j++) {
            int yi = ((b * oc + f) * o + i) * o + j;
            for (int c = 0; c < ic; c++) {
              for (int u = 0; u < k; u++) {
                for (int v = 0; v < k; v++) {
                  int r = i - pad + u;
                  int q = j - pad + v;
                  if (r >= 0 && r < h && q >= 0 && q < h) {
                    int xi = ((b * ic + c) * h + r) * h + q;
                    int wi = ((f * ic + c) * k + u) * k + v;
                    y[yi] += x[xi] * w[wi];
                    dx[xi] += w[wi] * g[yi];
                    dw[wi] += x[xi] * g[yi];
                  }
                }
              }
            }
          }
        }
      }
    }
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray xa = manager.create(x, new Shape(n, ic, h, h));
      NDArray wa = manager.create(w, new Shape(oc, ic, k, k));
      xa.setRequiresGradient(true);
      wa.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray ya =
            Conv2d.conv2d(xa, wa, null, new Shape(1, 1), new Shape(pad, pad), new Shape(1, 1), 1)
                .singletonOrThrow();
        assertThat(maxDiff(ya.toFloatArray(), y)).as("forward").isLessThan(1e-4);
        gc.backward(ya.mul(manager.create(g, ya.getShape())).sum());
      }
      assertThat(maxDiff(xa.getGradient().toFloatArray(), dx))
          .as("input gradient")
          .isLessThan(1e-4);
      // a weight gradient sums n * o * o products: allow float rounding relative to its size
      double scale = 1;
      for (double v : dw) {
        scale = Math.max(scale, Math.abs(v));
      }
      assertThat(maxDiff(wa.getGradient().toFloatArray(), dw))
          .as("weight gradient")
          .isLessThan(1e-5 * scale);
    }
  }

  private static float[] gaussian(Random random, int size, double scale) {
    float[] out = new float[size];
    for (int i = 0; i < size; i++) {
      out[i] = (float) (random.nextGaussian() * scale);
    }
    return out;
  }

  private static double maxDiff(float[] actual, double[] expected) {
    assertThat(actual).hasSize(expected.length);
    double worst = 0;
    for (int i = 0; i < actual.length; i++) {
      worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    }
    return worst;
  }
}
