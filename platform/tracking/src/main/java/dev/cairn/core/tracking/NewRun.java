package dev.cairn.core.tracking;

import java.util.Map;
import java.util.Objects;

/**
 * What is known about a run before it starts.
 *
 * @param experiment experiment name; created on first use
 * @param name run name (need not be unique)
 * @param specText the spec exactly as submitted
 * @param specHash SHA-256 of the spec text, hex
 * @param seed random seed
 * @param device requested device ({@code auto}, {@code cpu}, {@code gpu}); the resolved device is
 *     stored with {@link TrackingStore#markRunning}
 * @param provenance versions and environment: cairn, djl, engine, java, os, git commit, plugins
 * @param params flattened hyperparameters ({@code optimizer.lr -> 0.1})
 */
public record NewRun(
    String experiment,
    String name,
    String specText,
    String specHash,
    long seed,
    String device,
    Map<String, String> provenance,
    Map<String, String> params) {
  public NewRun {
    Objects.requireNonNull(experiment, "experiment");
    Objects.requireNonNull(name, "name");
    specText = specText == null ? "" : specText;
    specHash = specHash == null ? "" : specHash;
    device = device == null ? "auto" : device;
    provenance = provenance == null ? Map.of() : Map.copyOf(provenance);
    params = params == null ? Map.of() : Map.copyOf(params);
  }
}
