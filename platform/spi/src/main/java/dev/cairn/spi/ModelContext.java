package dev.cairn.spi;

/**
 * What a model plugin knows when it builds its block.
 *
 * @param dataset shapes and task of the data the model will see
 * @param seed the run's seed
 */
public record ModelContext(DatasetInfo dataset, long seed) {}
