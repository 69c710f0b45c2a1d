package dev.cairn.core.training;

import dev.cairn.core.spec.DataOptions;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Split;
import dev.cairn.spi.Task;
import dev.cairn.spi.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The dataset-wide options that change the splits themselves, applied once after loading: a seeded
 * random {@code subset} of the training split, then a held-out {@code validation} share or one fold
 * of k-fold cross-validation as the validation split, then {@code resize} of every split's images.
 * The same seed always picks the same examples.
 */
public final class DataPreparation {
  private DataPreparation() {}

  public static DatasetSplits prepare(DatasetSplits data, DataOptions options, long seed) {
    if (!options.classes().isEmpty()) {
      data = keepClasses(data, options.classes());
    }
    Split train = data.train();
    Split validation = data.validation();
    if (options.subset() > 0 && options.subset() < train.size()) {
      train = pick(train, Arrays.copyOf(permutation(train.size(), seed), options.subset()));
    }
    if (options.splits()) {
      if (validation != null) {
        throw new SpecException(
            options.folds() > 0 ? "dataset.folds" : "dataset.validation",
            "the dataset has its own validation split already; leave the held-out share and folds unset");
      }
      int n = train.size();
      int[] order = permutation(n, seed ^ 0x5DEECE66DL);
      int from;
      int to;
      if (options.folds() > 0) {
        from = (int) ((long) n * options.fold() / options.folds());
        to = (int) ((long) n * (options.fold() + 1) / options.folds());
      } else {
        from = 0;
        to = (int) Math.round(n * options.validation());
      }
      if (to - from < 1 || n - (to - from) < 1) {
        throw new SpecException(
            options.folds() > 0 ? "dataset.folds" : "dataset.validation",
            "leaves "
                + (to - from)
                + " validation and "
                + (n - (to - from))
                + " training examples of "
                + n
                + "; both need at least one");
      }
      int[] held = Arrays.copyOfRange(order, from, to);
      int[] kept = new int[n - held.length];
      System.arraycopy(order, 0, kept, 0, from);
      System.arraycopy(order, to, kept, from, n - to);
      validation = pick(train, held);
      train = pick(train, kept);
    }
    DatasetInfo info = data.info();
    Split test = data.test();
    if (options.resize() > 0) {
      long[] shape = info.inputShape();
      if (shape.length != 3) {
        throw new SpecException(
            "dataset.resize",
            "resizes images [channels, height, width], but the"
                + " dataset's examples have shape "
                + Arrays.toString(shape));
      }
      int side = options.resize();
      info =
          new DatasetInfo(
              info.task(),
              new long[] {shape[0], side, side},
              info.outputShape(),
              info.classLabels());
      train = Images.resize(train, side);
      validation = validation == null ? null : Images.resize(validation, side);
      test = test == null ? null : Images.resize(test, side);
    }
    return new DatasetSplits(info, train, validation, test);
  }

  /** Only the examples of {@code classes}, relabelled 0, 1, ... in that order. */
  private static DatasetSplits keepClasses(DatasetSplits data, List<Integer> classes) {
    DatasetInfo info = data.info();
    if (info.task() != Task.CLASSIFICATION) {
      throw new SpecException("dataset.classes", "needs a classification dataset");
    }
    List<String> names = new ArrayList<>();
    for (int c : classes) {
      if (c >= info.numClasses()) {
        throw new SpecException(
            "dataset.classes",
            c
                + " is not allowed; the dataset has classes 0.."
                + (info.numClasses() - 1)
                + " "
                + info.classLabels());
      }
      names.add(info.classLabels().get(c));
    }
    DatasetInfo kept = DatasetInfo.classification(info.inputShape(), names);
    return new DatasetSplits(
        kept,
        keepClasses(data.train(), classes),
        data.validation() == null ? null : keepClasses(data.validation(), classes),
        data.test() == null ? null : keepClasses(data.test(), classes));
  }

  private static Split keepClasses(Split split, List<Integer> classes) {
    float[] labels = split.labels().data();
    int[] newLabel = new int[classes.stream().mapToInt(Integer::intValue).max().orElse(0) + 1];
    Arrays.fill(newLabel, -1);
    for (int i = 0; i < classes.size(); i++) {
      newLabel[classes.get(i)] = i;
    }
    int[] keep =
        IntStream.range(0, labels.length)
            .filter(i -> (int) labels[i] < newLabel.length && newLabel[(int) labels[i]] >= 0)
            .toArray();
    Split picked = pick(split, keep);
    float[] relabelled = picked.labels().data();
    for (int i = 0; i < relabelled.length; i++) {
      relabelled[i] = newLabel[(int) relabelled[i]];
    }
    return picked;
  }

  /** A seeded permutation of 0..n-1 (Fisher–Yates). */
  static int[] permutation(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** The examples at {@code indices}, in that order. */
  static Split pick(Split split, int[] indices) {
    return new Split(pick(split.features(), indices), pick(split.labels(), indices));
  }

  private static Tensor pick(Tensor t, int[] indices) {
    int size = t.exampleSize();
    float[] out = new float[indices.length * size];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(t.data(), indices[i] * size, out, i * size, size);
    }
    long[] shape = t.shape().clone(); // the record hands out its own array
    shape[0] = indices.length;
    return new Tensor(out, shape);
  }
}
