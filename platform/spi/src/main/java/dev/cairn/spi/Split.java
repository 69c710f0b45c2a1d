package dev.cairn.spi;

import java.util.Objects;

/** Features and labels of one split (train, validation or test); same number of examples. */
public record Split(Tensor features, Tensor labels) {
  public Split {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
    if (features.examples() != labels.examples()) {
      throw new IllegalArgumentException(
          "features have "
              + features.examples()
              + " examples but labels have "
              + labels.examples());
    }
  }

  public int size() {
    return features.examples();
  }
}
