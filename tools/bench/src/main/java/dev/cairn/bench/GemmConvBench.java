package dev.cairn.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.cairn.core.training.TorchThreads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * {@code onednn-isa gemmconv}: LeNet's convolutions (forward, then the weight gradient and, past
 * the first layer, the input gradient) through DJL's {@code Conv2d} (libtorch's oneDNN) against the
 * same convolution as im2col + one matrix product from NDArray ops that oneDNN does not run
 * (shifted slices stacked into columns, MKL's GEMM). Checks both against a plain double loop, then
 * times them alternating; median milliseconds per forward + backward. Three GEMM forms: the shifted
 * slices stacked into (N, C*k*k, Ho*Wo) with a broadcast batched product ("im2col batched"), the
 * same slices from the (C, N, Hp, Wp) transpose stacked into (C*k*k, N*Ho*Wo) for one product
 * ("im2col one GEMM"), and those columns by one row gather of the (C*Hp*Wp, N) transpose with a
 * precomputed index ("gather one GEMM"). {@code lenet} times a whole LeNet training step instead,
 * with the convolutions through each form (and oneDNN for the first layer with the gather for the
 * second). Run with {@code ONEDNN_VERBOSE=1} to see that only the {@code Conv2d} rows execute
 * oneDNN convolutions. The figures and the conclusion (no form is faster than oneDNN's SSE4.1
 * convolution by enough to matter) are in tools/bench/README.md.
 *
 * <p>Usage: {@code tools/bench/run onednn-isa gemmconv [rounds=5] [reps=20] [threads=1]
 * ["batch,in,out,size,kernel,stride,padding;..."]} or {@code tools/bench/run onednn-isa gemmconv
 * lenet [rounds=5] [reps=10] [threads=1]}
 */
final class GemmConvBench {
  static void run(String[] args) {
    if (args.length > 1 && args[1].equals("lenet")) {
      lenet(args);
      return;
    }
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    TorchThreads.configure(args.length > 3 ? Integer.parseInt(args[3]) : 1);
    String only = args.length > 4 ? args[4] : "256,1,6,28,5,1,2;256,6,16,14,5,1,0;8,20,50,12,5,1,0";
    System.out.println("ONEDNN_MAX_CPU_ISA=" + System.getenv("ONEDNN_MAX_CPU_ISA"));
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      Random random = new Random(11);
      for (String part : only.split(";")) {
        int[] c = Arrays.stream(part.split(",")).mapToInt(Integer::parseInt).toArray();
        int n = c[0], ic = c[1], oc = c[2], h = c[3], k = c[4], st = c[5], pad = c[6];
        int o = (h + 2 * pad - k) / st + 1;
        float[] x = gaussian(random, n * ic * h * h, 1);
        float[] w = gaussian(random, oc * ic * k * k, 1 / Math.sqrt(ic * k * k));
        float[] b = gaussian(random, oc, 0.1);
        float[] g = gaussian(random, n * oc * o * o, 1);
        boolean inputGrad = ic > 1; // a first layer's input needs no gradient
        List<Variant> variants =
            List.of(
                new Variant(
                    "Conv2d (oneDNN)",
                    t ->
                        ai.djl.nn.convolutional.Conv2d.conv2d(
                                t.get(0),
                                t.get(1),
                                t.get(2),
                                new Shape(st, st),
                                new Shape(pad, pad),
                                new Shape(1, 1),
                                1)
                            .singletonOrThrow()),
                new Variant("im2col batched", t -> im2colBatched(t, st, pad)),
                new Variant("im2col one GEMM", t -> im2colOneGemm(t, st, pad)),
                new Variant("gather one GEMM", t -> gatherOneGemm(t, st, pad)));
        System.out.printf(
            Locale.ROOT, "conv mb%d ic%d oc%d %dx%d k%d s%d p%d%n", n, ic, oc, h, h, k, st, pad);
        double[][] ref = reference(x, w, b, g, n, ic, oc, h, k, st, pad, o);
        for (Variant v : variants) {
          float[][] r = step(manager, v, x, w, b, g, n, ic, oc, h, k, o, true, true);
          System.out.printf(
              Locale.ROOT,
              "  %-16s max |x - loop| forward %.3g, input gradient %.3g, weight gradient %.3g,"
                  + " bias gradient %.3g%n",
              v.name,
              maxDiff(r[0], ref[0]),
              maxDiff(r[1], ref[1]),
              maxDiff(r[2], ref[2]),
              maxDiff(r[3], ref[3]));
        }
        for (Variant v : variants) { // warm-up
          for (int i = 0; i < 3; i++) {
            step(manager, v, x, w, b, g, n, ic, oc, h, k, o, inputGrad, false);
          }
        }
        List<List<Double>> times = new ArrayList<>();
        variants.forEach(v -> times.add(new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
          for (int j = 0; j < variants.size(); j++) {
            int vi = (j + round) % variants.size();
            for (int i = 0; i < reps; i++) {
              long t0 = System.nanoTime();
              step(manager, variants.get(vi), x, w, b, g, n, ic, oc, h, k, o, inputGrad, false);
              times.get(vi).add((System.nanoTime() - t0) / 1e6);
            }
          }
        }
        double base = median(times.get(0));
        for (int j = 0; j < variants.size(); j++) {
          double m = median(times.get(j));
          System.out.printf(
              Locale.ROOT,
              "  %-16s %8.3f ms forward+backward (input gradient %s), %.2fx Conv2d's time%n",
              variants.get(j).name,
              m,
              inputGrad ? "yes" : "no",
              m / base);
        }
      }
    }
  }

  /**
   * {@code gemmconv lenet [rounds] [reps] [threads]}: one whole training step of d2l's sigmoid
   * LeNet (batch 256: forward, softmax cross-entropy, backward into every parameter) with its two
   * convolutions through each variant; median milliseconds per step.
   */
  static void lenet(String[] args) {
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int reps = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    TorchThreads.configure(args.length > 4 ? Integer.parseInt(args[4]) : 1);
    System.out.println("ONEDNN_MAX_CPU_ISA=" + System.getenv("ONEDNN_MAX_CPU_ISA"));
    Random random = new Random(7);
    int n = 256;
    int[][] shapes = {
      {6, 1, 5, 5}, {6}, {16, 6, 5, 5}, {16}, {120, 400}, {120}, {84, 120}, {84}, {10, 84}, {10}
    };
    float[][] params = new float[shapes.length][];
    for (int i = 0; i < shapes.length; i++) {
      int size = Arrays.stream(shapes[i]).reduce(1, (a, b) -> a * b);
      params[i] = gaussian(random, size, shapes[i].length > 1 ? 0.1 : 0.01);
    }
    float[] x = gaussian(random, n * 28 * 28, 1);
    float[] onehot = new float[n * 10];
    for (int i = 0; i < n; i++) {
      onehot[i * 10 + random.nextInt(10)] = 1;
    }
    List<Variant> variants =
        List.of(
            new Variant(
                "Conv2d (oneDNN)",
                t -> {
                  int pad = lenetPad(t);
                  return ai.djl.nn.convolutional.Conv2d.conv2d(
                          t.get(0),
                          t.get(1),
                          t.get(2),
                          new Shape(1, 1),
                          new Shape(pad, pad),
                          new Shape(1, 1),
                          1)
                      .singletonOrThrow();
                }),
            new Variant("im2col one GEMM", t -> im2colOneGemm(t, 1, lenetPad(t))),
            new Variant("gather one GEMM", t -> gatherOneGemm(t, 1, lenetPad(t))),
            new Variant(
                "Conv2d, gather", // oneDNN for the first layer (no input gradient), GEMM after
                t ->
                    lenetPad(t) == 2
                        ? ai.djl.nn.convolutional.Conv2d.conv2d(
                                t.get(0),
                                t.get(1),
                                t.get(2),
                                new Shape(1, 1),
                                new Shape(2, 2),
                                new Shape(1, 1),
                                1)
                            .singletonOrThrow()
                        : gatherOneGemm(t, 1, 0)));
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      List<List<Double>> times = new ArrayList<>();
      float[][] losses = new float[variants.size()][];
      for (int j = 0; j < variants.size(); j++) {
        times.add(new ArrayList<>());
        losses[j] = lenetStep(manager, variants.get(j), params, shapes, x, onehot, n);
        for (int i = 0; i < 2; i++) {
          lenetStep(manager, variants.get(j), params, shapes, x, onehot, n);
        }
      }
      for (int round = 0; round < rounds; round++) {
        for (int j = 0; j < variants.size(); j++) {
          int vi = (j + round) % variants.size();
          for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            lenetStep(manager, variants.get(vi), params, shapes, x, onehot, n);
            times.get(vi).add((System.nanoTime() - t0) / 1e6);
          }
        }
      }
      double base = median(times.get(0));
      for (int j = 0; j < variants.size(); j++) {
        double worst = 0;
        for (int i = 0; i < losses[j].length; i++) {
          worst = Math.max(worst, Math.abs(losses[j][i] - losses[0][i]));
        }
        double m = median(times.get(j));
        System.out.printf(
            Locale.ROOT,
            "  LeNet step %-16s %8.3f ms, %.2fx Conv2d's time; loss and gradients max |x -"
                + " Conv2d's| %.3g%n",
            variants.get(j).name,
            m,
            m / base,
            worst);
      }
    }
  }

  /** LeNet's first convolution (28 x 28 input) pads by 2, its second by 0. */
  static int lenetPad(NDList t) {
    return t.get(0).getShape().get(2) == 28 ? 2 : 0;
  }

  /** The loss followed by every parameter's gradient, flattened. */
  static float[] lenetStep(
      NDManager parent,
      Variant conv,
      float[][] params,
      int[][] shapes,
      float[] x,
      float[] onehot,
      int n) {
    try (NDManager m = parent.newSubManager();
        GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
      NDArray[] p = new NDArray[params.length];
      for (int i = 0; i < params.length; i++) {
        p[i] = m.create(params[i], new Shape(Arrays.stream(shapes[i]).asLongStream().toArray()));
        p[i].setRequiresGradient(true);
      }
      Shape two = new Shape(2, 2);
      Shape none = new Shape(0, 0);
      NDArray h = conv.conv.apply(new NDList(m.create(x, new Shape(n, 1, 28, 28)), p[0], p[1]));
      h =
          ai.djl.nn.pooling.Pool.avgPool2d(
              ai.djl.nn.Activation.sigmoid(h), two, two, none, false, true);
      h = conv.conv.apply(new NDList(h, p[2], p[3]));
      h =
          ai.djl.nn.pooling.Pool.avgPool2d(
              ai.djl.nn.Activation.sigmoid(h), two, two, none, false, true);
      h = h.reshape(n, 400);
      h = ai.djl.nn.Activation.sigmoid(ai.djl.nn.core.Linear.linear(h, p[4], p[5]).head());
      h = ai.djl.nn.Activation.sigmoid(ai.djl.nn.core.Linear.linear(h, p[6], p[7]).head());
      h = ai.djl.nn.core.Linear.linear(h, p[8], p[9]).singletonOrThrow();
      NDArray loss = h.logSoftmax(1).mul(m.create(onehot, new Shape(n, 10))).sum().neg().div(n);
      gc.backward(loss);
      List<Float> out = new ArrayList<>();
      out.add(loss.getFloat());
      for (NDArray a : p) {
        for (float f : a.getGradient().toFloatArray()) {
          out.add(f);
        }
      }
      float[] r = new float[out.size()];
      for (int i = 0; i < r.length; i++) {
        r[i] = out.get(i);
      }
      return r;
    }
  }

  record Variant(String name, Function<NDList, NDArray> conv) {}

  /**
   * One convolution's operands and sizes: input (n, c, h, w) padded to {@code xp} (n, c, hp, wp),
   * weight (cout, c, k, k), output ho x wo.
   */
  record Conv(
      NDArray xp,
      NDArray w,
      NDArray bias,
      long n,
      long c,
      long cout,
      long k,
      long hp,
      long wp,
      long ho,
      long wo) {
    static Conv of(NDList t, int stride, int pad) {
      NDArray x = t.get(0), w = t.get(1);
      NDArray xp = pad > 0 ? x.pad(new Shape(pad, pad, pad, pad), 0) : x;
      long k = w.getShape().get(2);
      long hp = xp.getShape().get(2), wp = xp.getShape().get(3);
      return new Conv(
          xp,
          w,
          t.get(2),
          x.getShape().get(0),
          x.getShape().get(1),
          w.getShape().get(0),
          k,
          hp,
          wp,
          (hp - k) / stride + 1,
          (wp - k) / stride + 1);
    }

    /** The k*k shifted, strided views of {@code padded}, whose spatial dimensions are 2 and 3. */
    NDList shifted(NDArray padded, int stride) {
      NDList slices = new NDList();
      for (long u = 0; u < k; u++) {
        for (long v = 0; v < k; v++) {
          slices.add(padded.get(slice(2, u, ho, stride, v, wo)));
        }
      }
      return slices;
    }

    NDArray weightMatrix() {
      return w.reshape(cout, c * k * k);
    }
  }

  /** im2col as (N, C*k*k, Ho*Wo) and a broadcast batched product with (Cout, C*k*k). */
  static NDArray im2colBatched(NDList t, int stride, int pad) {
    Conv v = Conv.of(t, stride, pad);
    NDArray cols =
        NDArrays.stack(v.shifted(v.xp(), stride), 2)
            .reshape(v.n(), v.c() * v.k() * v.k(), v.ho() * v.wo());
    NDArray y = v.weightMatrix().matMul(cols);
    return y.add(v.bias().reshape(v.cout(), 1)).reshape(v.n(), v.cout(), v.ho(), v.wo());
  }

  /** im2col as (C*k*k, N*Ho*Wo) and one (Cout, C*k*k) x (C*k*k, N*Ho*Wo) product. */
  static NDArray im2colOneGemm(NDList t, int stride, int pad) {
    Conv v = Conv.of(t, stride, pad);
    NDArray cols =
        NDArrays.stack(v.shifted(v.xp().transpose(1, 0, 2, 3), stride), 1)
            .reshape(v.c() * v.k() * v.k(), v.n() * v.ho() * v.wo());
    NDArray y = v.weightMatrix().matMul(cols).add(v.bias().reshape(v.cout(), 1));
    return y.reshape(v.cout(), v.n(), v.ho(), v.wo()).transpose(1, 0, 2, 3);
  }

  /**
   * im2col by one row gather: the padded input as (C*Hp*Wp, N) rows of the batch, a precomputed row
   * index in (C, k, k, Ho, Wo) order, giving (C*k*k, Ho*Wo*N) columns for one product.
   */
  static NDArray gatherOneGemm(NDList t, int stride, int pad) {
    Conv g = Conv.of(t, stride, pad);
    long n = g.n(), c = g.c(), cout = g.cout(), k = g.k();
    long hp = g.hp(), wp = g.wp(), ho = g.ho(), wo = g.wo();
    long[] index = new long[(int) (c * k * k * ho * wo)];
    int at = 0;
    for (long ch = 0; ch < c; ch++) {
      for (long u = 0; u < k; u++) {
        for (long v = 0; v < k; v++) {
          for (long i = 0; i < ho; i++) {
            for (long j = 0; j < wo; j++) {
              index[at++] = (ch * hp + i * stride + u) * wp + j * stride + v;
            }
          }
        }
      }
    }
    NDArray rows = g.xp().transpose(1, 2, 3, 0).reshape(c * hp * wp, n);
    NDArray cols = rows.get(g.xp().getManager().create(index)).reshape(c * k * k, ho * wo * n);
    NDArray y = g.weightMatrix().matMul(cols).add(g.bias().reshape(cout, 1));
    return y.reshape(cout, ho, wo, n).transpose(3, 0, 1, 2);
  }

  static String slice(int lead, long u, long ho, int stride, long v, long wo) {
    String s = ":, ".repeat(lead);
    return String.format(
        Locale.ROOT,
        "%s%d:%d:%d, %d:%d:%d",
        s,
        u,
        u + (ho - 1) * stride + 1,
        stride,
        v,
        v + (wo - 1) * stride + 1,
        stride);
  }

  static float[][] step(
      NDManager parent,
      Variant v,
      float[] x,
      float[] w,
      float[] b,
      float[] g,
      int n,
      int ic,
      int oc,
      int h,
      int k,
      int o,
      boolean inputGrad,
      boolean read) {
    try (NDManager m = parent.newSubManager();
        GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
      NDArray xa = m.create(x, new Shape(n, ic, h, h));
      NDArray wa = m.create(w, new Shape(oc, ic, k, k));
      NDArray ba = m.create(b, new Shape(oc));
      xa.setRequiresGradient(inputGrad);
      wa.setRequiresGradient(true);
      ba.setRequiresGradient(true);
      NDArray y = v.conv.apply(new NDList(xa, wa, ba));
      gc.backward(y.mul(m.create(g, new Shape(n, oc, o, o))).sum());
      if (!read) {
        wa.getGradient().toFloatArray(); // wait for the result, as a training step would
        return null;
      }
      return new float[][] {
        y.toFloatArray(),
        xa.getGradient().toFloatArray(),
        wa.getGradient().toFloatArray(),
        ba.getGradient().toFloatArray()
      };
    }
  }

  /** Forward, input, weight and bias gradients of sum(conv(x) * g) by a plain double loop. */
  static double[][] reference(
      float[] x,
      float[] w,
      float[] bias,
      float[] g,
      int n,
      int ic,
      int oc,
      int h,
      int k,
      int st,
      int pad,
      int o) {
    double[] y = new double[n * oc * o * o];
    double[] dx = new double[x.length];
    double[] dw = new double[w.length];
    double[] db = new double[oc];
    for (int b = 0; b < n; b++) {
      for (int f = 0; f < oc; f++) {
        for (int i = 0; i < o; i++) {
          for (int j = 0; j < o; j++) {
            int yi = ((b * oc + f) * o + i) * o + j;
            double sum = bias[f];
            double gy = g[yi];
            db[f] += gy;
            for (int ch = 0; ch < ic; ch++) {
              for (int u = 0; u < k; u++) {
                for (int v = 0; v < k; v++) {
                  int r = i * st - pad + u, q = j * st - pad + v;
                  if (r >= 0 && r < h && q >= 0 && q < h) {
                    int xi = ((b * ic + ch) * h + r) * h + q;
                    int wi = ((f * ic + ch) * k + u) * k + v;
                    sum += x[xi] * w[wi];
                    dx[xi] += w[wi] * gy;
                    dw[wi] += x[xi] * gy;
                  }
                }
              }
            }
            y[yi] = sum;
          }
        }
      }
    }
    return new double[][] {y, dx, dw, db};
  }

  static float[] gaussian(Random random, int size, double scale) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) {
      a[i] = (float) (random.nextGaussian() * scale);
    }
    return a;
  }

  static double maxDiff(float[] a, double[] ref) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - ref[i]));
    }
    return worst;
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int s = sorted.size();
    return s % 2 == 1 ? sorted.get(s / 2) : (sorted.get(s / 2 - 1) + sorted.get(s / 2)) / 2;
  }

  private GemmConvBench() {}
}
