package dev.cairn.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * What a dataset plugin returns: a training split, optional validation and test splits, and the
 * description of the data.
 */
public record DatasetSplits(DatasetInfo info, Split train, Split validation, Split test) {
  public DatasetSplits {
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(train, "train");
  }

  public Optional<Split> validationSplit() {
    return Optional.ofNullable(validation);
  }

  public Optional<Split> testSplit() {
    return Optional.ofNullable(test);
  }
}
