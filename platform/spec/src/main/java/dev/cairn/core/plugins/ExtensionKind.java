package dev.cairn.core.plugins;

import dev.cairn.spi.CairnExtension;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.LossProvider;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.OptimizerProvider;

/** The four roles a plugin extension can play, with the spec section that names it. */
public enum ExtensionKind {
  DATASET("dataset", "datasets", DatasetProvider.class),
  MODEL("model", "models", ModelProvider.class),
  OPTIMIZER("optimizer", "optimizers", OptimizerProvider.class),
  LOSS("loss", "losses", LossProvider.class);

  private final String section;
  private final String plural;
  private final Class<? extends CairnExtension> type;

  ExtensionKind(String section, String plural, Class<? extends CairnExtension> type) {
    this.section = section;
    this.plural = plural;
    this.type = type;
  }

  /** Spec section that selects an extension of this kind, e.g. {@code model}. */
  public String section() {
    return section;
  }

  public String plural() {
    return plural;
  }

  public Class<? extends CairnExtension> type() {
    return type;
  }
}
