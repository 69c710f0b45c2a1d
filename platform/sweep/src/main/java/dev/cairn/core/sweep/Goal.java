package dev.cairn.core.sweep;

import java.util.Comparator;
import java.util.Locale;

/** Whether a sweep's metric should go down or up. */
public enum Goal {
  MINIMIZE,
  MAXIMIZE;

  /** True when {@code a} is strictly better than {@code b}. */
  public boolean better(double a, double b) {
    return this == MINIMIZE ? a < b : a > b;
  }

  /** Orders values best first. */
  public Comparator<Double> bestFirst() {
    return this == MINIMIZE ? Comparator.naturalOrder() : Comparator.reverseOrder();
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
