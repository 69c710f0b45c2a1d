package dev.cairn.core.spec;

import dev.cairn.core.plugins.ExtensionKind;
import dev.cairn.core.plugins.InstalledExtension;
import dev.cairn.core.plugins.PluginRegistry;
import dev.cairn.spi.CairnExtension;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.LossProvider;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.OptimizerProvider;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Suggest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checks a spec against the installed plugins: ids exist, parameters are valid. */
public final class SpecResolver {
  private final PluginRegistry registry;

  /** Null: any path (the CLI); a server sets its data roots before it takes specs. */
  private volatile SpecPaths paths;

  public SpecResolver(PluginRegistry registry) {
    this.registry = registry;
  }

  /** From now on, specs whose paths lie outside {@code paths}' roots do not resolve. */
  public SpecResolver restrictPaths(SpecPaths paths) {
    this.paths = paths;
    return this;
  }

  /** The path roots specs must keep to, or null when any path is allowed. */
  public SpecPaths paths() {
    return paths;
  }

  /**
   * @throws dev.cairn.spi.SpecException naming the first bad field
   */
  public ResolvedSpec resolve(ExperimentSpec spec) {
    ResolvedSpec resolved =
        new ResolvedSpec(
            spec,
            resolve(ExtensionKind.DATASET, spec.dataset(), DatasetProvider.class),
            resolve(ExtensionKind.MODEL, spec.model(), ModelProvider.class),
            resolve(ExtensionKind.OPTIMIZER, spec.optimizer(), OptimizerProvider.class),
            resolve(ExtensionKind.LOSS, spec.loss(), LossProvider.class));
    SpecPaths restricted = paths;
    if (restricted != null) {
      restricted.check(resolved);
    }
    return resolved;
  }

  private <T extends CairnExtension> ResolvedSpec.Resolved<T> resolve(
      ExtensionKind kind, ComponentSpec component, Class<T> type) {
    T provider = type.cast(registry.require(kind, component.plugin()));
    InstalledExtension installed = registry.find(kind, component.plugin()).orElseThrow();
    if (kind == ExtensionKind.DATASET) {
      checkDatasetKeys(kind.section(), provider.params(), component.params());
    }
    Params params = Params.validate(kind.section(), provider.params(), component.params());
    return new ResolvedSpec.Resolved<>(provider, params, installed);
  }

  /**
   * The dataset section holds the plugin's parameters and the dataset-wide options every dataset
   * takes (the loader's and {@link DataOptions}'); the parser took the latter out, so an unknown
   * key here is checked against both, and its did-you-mean and allowed list name both.
   */
  private static void checkDatasetKeys(String section, List<ParamSpec> specs, Map<String, ?> raw) {
    List<String> own = specs.stream().map(ParamSpec::name).toList();
    List<String> wide = new ArrayList<>(SpecParser.LOADER_KEYS);
    wide.addAll(DataOptions.KEYS);
    for (String key : raw.keySet()) {
      if (own.contains(key)) {
        continue;
      }
      List<String> all = new ArrayList<>(own);
      all.addAll(wide);
      String hint = Suggest.closest(key, all).map(k -> "did you mean '" + k + "'? ").orElse("");
      String allowed =
          (own.isEmpty() ? "" : String.join(", ", own) + "; ")
              + "for every dataset: "
              + String.join(", ", wide);
      throw new SpecException(
          section + "." + key, "unknown parameter; " + hint + "allowed: " + allowed);
    }
  }
}
