package dev.cairn.core.spec;

import java.util.Locale;

/** Where a spec asks to train: {@code auto} picks a GPU when one is visible, else the CPU. */
public enum DeviceChoice {
  AUTO,
  CPU,
  GPU;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
