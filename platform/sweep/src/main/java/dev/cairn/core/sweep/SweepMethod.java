package dev.cairn.core.sweep;

import java.util.Locale;

/** How a sweep picks the next trial's parameters. */
public enum SweepMethod {
  /** Every combination of the listed values, in order. */
  GRID,
  /** Independent draws from each parameter's distribution. */
  RANDOM,
  /** Tree-structured Parzen estimator ({@link TpeSampler}). */
  BAYES;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
