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
    options(out);
    return out;
  }

  /** Dataset-wide and training options, only those set (defaults would crowd every run's list). */
  private void options(Map<String, String> out) {
    DataOptions d = spec.data();
    putIf(out, "dataset.subset", d.subset(), d.subset() > 0);
    putIf(out, "dataset.validation", d.validation(), d.validation() > 0);
    putIf(out, "dataset.folds", d.folds(), d.folds() > 0);
    putIf(out, "dataset.fold", d.fold(), d.folds() > 0);
    putIf(out, "dataset.normalize", true, d.normalize());
    putIf(out, "dataset.resize", d.resize(), d.resize() > 0);
    putIf(out, "dataset.augment.crop", d.cropPadding(), d.cropPadding() > 0);
    putIf(out, "dataset.augment.flip", true, d.flip());
    putIf(out, "dataset.mixup", d.mixup(), d.mixup() > 0);
    putIf(out, "dataset.classes", d.classes(), !d.classes().isEmpty());
    TrainingOptions t = spec.training();
    if (t.earlyStopping() != null) {
      out.put("training.earlyStopping.monitor", t.earlyStopping().monitor());
      out.put("training.earlyStopping.patience", Integer.toString(t.earlyStopping().patience()));
      out.put("training.earlyStopping.minDelta", Double.toString(t.earlyStopping().minDelta()));
      out.put(
          "training.earlyStopping.restoreBest", Boolean.toString(t.earlyStopping().restoreBest()));
    }
    putIf(out, "training.accumulate", t.accumulate(), t.accumulate() > 1);
    putIf(out, "training.checkpointEvery", t.checkpointEvery(), t.checkpointEvery() > 0);
    if (t.fineTune() != null) {
      out.put("training.fineTune.from", t.fineTune().from());
      out.put("training.fineTune.freeze", Boolean.toString(t.fineTune().freeze()));
      out.put("training.fineTune.bodyLr", Double.toString(t.fineTune().bodyLr()));
      out.put("training.fineTune.newHead", Boolean.toString(t.fineTune().newHead()));
    }
    putIf(out, "training.topK", t.topK(), t.topK() > 0);
    putIf(out, "training.perClassAccuracy", true, t.perClassAccuracy());
  }

  private static void putIf(Map<String, String> out, String key, Object value, boolean when) {
    if (when) {
      out.put(key, String.valueOf(value));
    }
  }

  private static void put(Map<String, String> out, String section, Params params) {
    params
        .asMap()
        .forEach((k, v) -> out.put(section + "." + k, v == null ? "" : String.valueOf(v)));
  }
}
