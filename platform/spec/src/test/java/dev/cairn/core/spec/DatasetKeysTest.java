package dev.cairn.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Provenance;
import dev.cairn.core.plugins.PluginRegistry;
import dev.cairn.spi.SpecException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A dataset section mixes the plugin's parameters with options every dataset takes (loader:
 * batchSize, shuffle, dropLast; DataOptions: subset, validation, ...): a typo in either gets a
 * did-you-mean and an allowed list that names both, checked against the real built-in plugins.
 */
class DatasetKeysTest {
  static PluginRegistry plugins;

  @BeforeAll
  static void load() {
    plugins = PluginRegistry.load(null, Provenance.cairnVersion());
  }

  @AfterAll
  static void close() {
    plugins.close();
  }

  private static ResolvedSpec resolve(String dataset) {
    String spec =
        "epochs: 1\ndataset: "
            + dataset
            + "\nmodel: mlp\noptimizer: sgd\nloss: softmax-cross-entropy\n";
    return new SpecResolver(plugins).resolve(SpecParser.parse(spec, "test"));
  }

  @Test
  void aMiscasedLoaderOptionIsSuggestedAndListed() {
    assertThatThrownBy(() -> resolve("{plugin: xor, batchsize: 32}"))
        .isInstanceOf(SpecException.class)
        .hasMessage(
            "dataset.batchsize: unknown parameter; did you mean 'batchSize'? allowed: repeat;"
                + " for every dataset: batchSize, shuffle, dropLast, subset, validation, folds, fold, normalize,"
                + " resize, augment, mixup, classes");
  }

  @Test
  void aMisspeltDataOptionIsSuggested() {
    assertThatThrownBy(() -> resolve("{plugin: xor, validaton: 0.1}"))
        .hasMessageStartingWith(
            "dataset.validaton: unknown parameter; did you mean 'validation'? allowed: repeat;");
    assertThatThrownBy(() -> resolve("{plugin: xor, shufle: false}"))
        .hasMessageStartingWith("dataset.shufle: unknown parameter; did you mean 'shuffle'?");
  }

  @Test
  void aMisspeltPluginParameterIsStillSuggested() {
    assertThatThrownBy(() -> resolve("{plugin: xor, repaet: 4}"))
        .hasMessageStartingWith("dataset.repaet: unknown parameter; did you mean 'repeat'?");
  }

  @Test
  void theRightSpellingsResolve() {
    ResolvedSpec r =
        resolve("{plugin: xor, repeat: 4, batchSize: 8, shuffle: false, dropLast: true}");
    assertThat(r.spec().loader()).isEqualTo(new LoaderSpec(8, false, true));
    assertThat(r.dataset().params().getInt("repeat")).isEqualTo(4);
  }
}
