package dev.cairn.core.spec;

import dev.cairn.core.plugins.InstalledExtension;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.LossProvider;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.OptimizerProvider;
import dev.cairn.spi.Params;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A spec whose plugins are installed and whose plugin parameters are valid, defaults filled in.
 * Ready to train.
 */
public record ResolvedSpec(
    ExperimentSpec spec,
    Resolved<DatasetProvider> dataset,
    Resolved<ModelProvider> model,
    Resolved<OptimizerProvider> optimizer,
    Resolved<LossProvider> loss) {

  /** One chosen extension with its validated parameters and the plugin it came from. */
  public record Resolved<T>(T provider, Params params, InstalledExtension installed) {}

  /**
   * Every hyperparameter as flat {@code section.key -> value} strings, defaults included: what the
   * store records as the run's params and what sweeps address.
   */
  public Map<String, String> flatParams() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("seed", Long.toString(spec.seed()));
    out.put("device", spec.device().label());
    out.put("epochs", Integer.toString(spec.epochs()));
    out.put("dataset.plugin", spec.dataset().plugin());
    out.put("dataset.batchSize", Integer.toString(spec.loader().batchSize()));
    out.put("dataset.shuffle", Boolean.toString(spec.loader().shuffle()));
    out.put("dataset.dropLast", Boolean.toString(spec.loader().dropLast()));
    put(out, "dataset", dataset.params());
    out.put("model.plugin", spec.model().plugin());
    put(out, "model", model.params());
    out.put("optimizer.plugin", spec.optimizer().plugin());
    put(out, "optimizer", optimizer.params());
    out.put("loss.plugin", spec.loss().plugin());
    put(out, "loss", loss.params());
    return out;
  }

  private static void put(Map<String, String> out, String section, Params params) {
    params.asMap().forEach((k, v) -> out.put(section + "." + k, v == null ? "" : String.valueOf(v)));
  }
}
