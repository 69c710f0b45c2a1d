package dev.cairn.core.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.Batchifier;
import ai.djl.util.Progress;
import dev.cairn.core.spec.DataOptions;
import dev.cairn.spi.Split;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * The training split as batches built on the Java side, for the options that change every batch:
 * random crops of the zero-padded image and horizontal flips (each with its own draw per example),
 * and mixup (one λ ~ Beta(α, α) per batch mixing each example with a partner from the same batch;
 * the labels become {@code [y, partner's y, λ]}, which {@link MixupLoss} reads). The order and the
 * draws of epoch e come from the run's seed and e alone, so a resumed run sees the same batches.
 */
final class BatchSource implements Dataset {
  private final Split split;
  private final boolean classification;
  private final int outputs;
  private final int batchSize;
  private final boolean shuffle;
  private final boolean dropLast;
  private final long seed;
  private final DataOptions options;
  private int epoch;

  BatchSource(
      Split split,
      boolean classification,
      int outputs,
      int batchSize,
      boolean shuffle,
      boolean dropLast,
      long seed,
      DataOptions options) {
    this.split = split;
    this.classification = classification;
    this.outputs = outputs;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.seed = seed;
    this.options = options;
  }

  /** Continues at epoch {@code next} (0-based), for a resumed run. */
  void startAtEpoch(int next) {
    epoch = next;
  }

  @Override
  public Iterable<Batch> getData(NDManager manager) {
    SplittableRandom random = new SplittableRandom(seed * 31 + 0x9E3779B97F4A7C15L * (epoch + 1));
    epoch++;
    int n = split.size();
    int[] order = shuffle ? DataPreparation.permutation(n, random.nextLong()) : identity(n);
    int batches = dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    return () ->
        new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < batches;
          }

          @Override
          public Batch next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            int from = next * batchSize;
            int to = Math.min(n, from + batchSize);
            next++;
            return batch(manager, order, from, to, random, next, batches);
          }
        };
  }

  private Batch batch(
      NDManager parent,
      int[] order,
      int from,
      int to,
      SplittableRandom random,
      int progress,
      int total) {
    int size = to - from;
    long[] exampleShape = split.features().exampleShape();
    int per = split.features().exampleSize();
    float[] x = new float[size * per];
    float[] data = split.features().data();
    boolean image = exampleShape.length == 3;
    for (int i = 0; i < size; i++) {
      int src = order[from + i] * per;
      if (image && (options.cropPadding() > 0 || options.flip())) {
        int pad = options.cropPadding();
        int dy = pad > 0 ? random.nextInt(2 * pad + 1) - pad : 0;
        int dx = pad > 0 ? random.nextInt(2 * pad + 1) - pad : 0;
        boolean flip = options.flip() && random.nextBoolean();
        Images.shiftedCopy(
            data,
            src,
            (int) exampleShape[0],
            (int) exampleShape[1],
            (int) exampleShape[2],
            dy,
            dx,
            flip,
            x,
            i * per);
      } else {
        System.arraycopy(data, src, x, i * per, per);
      }
    }
    int labelSize = classification ? 1 : outputs;
    float[] y = new float[size * labelSize];
    for (int i = 0; i < size; i++) {
      System.arraycopy(
          split.labels().data(), order[from + i] * labelSize, y, i * labelSize, labelSize);
    }
    Shape labelShape = classification ? new Shape(size) : new Shape(size, outputs);
    NDManager manager = parent.newSubManager();
    NDList labels;
    if (options.mixup() > 0) {
      float lambda = (float) beta(random, options.mixup());
      int[] partner = DataPreparation.permutation(size, random.nextLong());
      float[] mixed = new float[x.length];
      float[] partnerY = new float[y.length];
      for (int i = 0; i < size; i++) {
        int a = i * per;
        int b = partner[i] * per;
        for (int j = 0; j < per; j++) {
          mixed[a + j] = lambda * x[a + j] + (1 - lambda) * x[b + j];
        }
        System.arraycopy(y, partner[i] * labelSize, partnerY, i * labelSize, labelSize);
      }
      x = mixed;
      labels =
          new NDList(
              manager.create(y, labelShape),
              manager.create(partnerY, labelShape),
              manager.create(lambda));
    } else {
      labels = new NDList(manager.create(y, labelShape));
    }
    Shape dataShape = new Shape(size).addAll(new Shape(exampleShape));
    NDList features = new NDList(manager.create(x, dataShape));
    return new Batch(
        manager, features, labels, size, Batchifier.STACK, Batchifier.STACK, progress, total);
  }

  private static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  /** A draw from Beta(α, α) as X / (X + Y) with X, Y ~ Gamma(α, 1). */
  static double beta(SplittableRandom random, double alpha) {
    double x = gamma(random, alpha);
    double y = gamma(random, alpha);
    return x + y == 0 ? 0.5 : x / (x + y);
  }

  /** Marsaglia and Tsang's method; shape < 1 through Gamma(a + 1)·U^(1/a). */
  private static double gamma(SplittableRandom random, double shape) {
    if (shape < 1) {
      return gamma(random, shape + 1) * Math.pow(random.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double z = gaussian(random);
      double v = Math.pow(1 + c * z, 3);
      if (v <= 0) {
        continue;
      }
      double u = random.nextDouble();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  @Override
  public void prepare(Progress progress) {}
}
