package dev.cairn.core.training;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Batches of indices, reshuffled every epoch from the run's own seed: unlike DJL's default sampler
 * it shares no global random state, so parallel runs in one JVM stay reproducible.
 */
final class SeededSampler implements Sampler {
  private final int batchSize;
  private final boolean shuffle;
  private final boolean dropLast;
  private final SplittableRandom random;

  SeededSampler(int batchSize, boolean shuffle, boolean dropLast, long seed) {
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
    int n = Math.toIntExact(dataset.size());
    long[] order = nextOrder(n);
    int batches = batchCount(n);
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < batches;
      }

      @Override
      public List<Long> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int from = next * batchSize;
        int to = Math.min(n, from + batchSize);
        List<Long> batch = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
          batch.add(order[i]);
        }
        next++;
        return batch;
      }
    };
  }

  /** The next epoch's order of the {@code n} examples: shuffled from the seed, or 0..n-1. */
  long[] nextOrder(int n) {
    long[] order = new long[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (shuffle) {
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        long t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  boolean shuffles() {
    return shuffle;
  }

  int batchCount(int n) {
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  @Override
  public int getBatchSize() {
    return batchSize;
  }
}
