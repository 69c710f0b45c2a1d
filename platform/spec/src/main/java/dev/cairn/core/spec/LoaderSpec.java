package dev.cairn.core.spec;

/**
 * How batches are drawn from the training split; these keys sit next to {@code plugin} in the
 * {@code dataset} section.
 *
 * @param batchSize examples per batch, >= 1
 * @param shuffle reshuffle every epoch (seeded)
 * @param dropLast drop a last incomplete batch
 */
public record LoaderSpec(int batchSize, boolean shuffle, boolean dropLast) {
  public static final int DEFAULT_BATCH_SIZE = 32;
}
