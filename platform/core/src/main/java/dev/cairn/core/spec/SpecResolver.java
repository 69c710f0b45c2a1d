package dev.cairn.core.spec;

import dev.cairn.core.plugins.ExtensionKind;
import dev.cairn.core.plugins.InstalledExtension;
import dev.cairn.core.plugins.PluginRegistry;
import dev.cairn.spi.CairnExtension;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.LossProvider;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.OptimizerProvider;
import dev.cairn.spi.Params;

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

  /** @throws dev.cairn.spi.SpecException naming the first bad field */
  public ResolvedSpec resolve(ExperimentSpec spec) {
    ResolvedSpec resolved = new ResolvedSpec(spec,
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
    Params params = Params.validate(kind.section(), provider.params(), component.params());
    return new ResolvedSpec.Resolved<>(provider, params, installed);
  }
}
