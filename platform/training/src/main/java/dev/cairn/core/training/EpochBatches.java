package dev.cairn.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.Batchifier;
import ai.djl.util.Progress;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A split held as two arrays (features, labels) on one device, served in batches: per epoch one
 * permutation from the {@link SeededSampler} and one gather of the whole split into that order (on
 * the arrays' device), then every batch is a contiguous slice of it, a view that copies nothing.
 * Without shuffling the batches are slices of the split itself. DJL's {@code ArrayDataset} instead
 * built a boxed index list, an index array and a gather for every batch.
 *
 * <p>The shuffled copy of the previous epoch is freed when the next epoch starts and by {@link
 * #close()}; it costs one more copy of the split on its device.
 */
final class EpochBatches implements Dataset, AutoCloseable {
  private final NDArray features;
  private final NDArray labels;
  private final SeededSampler sampler;
  private final int size;
  private final int batchSize;
  private final int batches;
  private NDManager epoch;

  EpochBatches(NDArray features, NDArray labels, SeededSampler sampler) {
    this.features = features;
    this.labels = labels;
    this.sampler = sampler;
    this.size = Math.toIntExact(features.getShape().get(0));
    this.batchSize = sampler.getBatchSize();
    this.batches = sampler.batchCount(size);
  }

  int size() {
    return size;
  }

  int batches() {
    return batches;
  }

  /** Skips {@code epochs} epochs' shuffles, for a resumed run. */
  void skipEpochs(int epochs) {
    for (int e = 0; e < epochs; e++) {
      sampler.nextOrder(size);
    }
  }

  @Override
  public Iterable<Batch> getData(NDManager manager) {
    closeEpoch();
    NDArray x = features;
    NDArray y = labels;
    if (sampler.shuffles()) {
      epoch = features.getManager().newSubManager();
      NDArray order = epoch.create(sampler.nextOrder(size));
      x = features.get(new NDIndex("{}", order));
      y = labels.get(new NDIndex("{}", order));
      x.attach(epoch);
      y.attach(epoch);
    }
    NDArray ex = x;
    NDArray ey = y;
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
            long from = (long) next * batchSize;
            long to = Math.min(size, from + batchSize);
            next++;
            NDManager batch = manager.newSubManager(ex.getDevice());
            NDIndex slice = new NDIndex("{}:{}", from, to);
            NDArray bx = ex.get(slice);
            NDArray by = ey.get(slice);
            bx.attach(batch);
            by.attach(batch);
            return new Batch(
                batch,
                new NDList(bx),
                new NDList(by),
                (int) (to - from),
                Batchifier.STACK,
                Batchifier.STACK,
                next,
                batches);
          }
        };
  }

  private void closeEpoch() {
    if (epoch != null) {
      epoch.close();
      epoch = null;
    }
  }

  @Override
  public void prepare(Progress progress) {}

  @Override
  public void close() {
    closeEpoch();
  }
}
