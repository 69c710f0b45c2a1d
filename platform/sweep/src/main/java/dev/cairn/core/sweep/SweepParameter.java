package dev.cairn.core.sweep;

import java.util.Objects;

/**
 * One swept field of the base spec.
 *
 * @param path dotted spec path: {@code optimizer.lr}, {@code model.hidden}, {@code
 *     dataset.batchSize}
 * @param domain the values it may take
 */
public record SweepParameter(String path, Domain domain) {
  public SweepParameter {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(domain, "domain");
  }
}
