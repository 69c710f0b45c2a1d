package dev.cairn.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.SpecException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dataset-wide options, the training section and variants. */
class CourseSpecTest {
  private static final String BASE =
      """
      name: race
      epochs: 2
      dataset: {plugin: fashion-mnist, batchSize: 64, subset: 500, validation: 0.2, normalize: true,
                augment: {crop: 4, flip: true}, mixup: 0.4, limit: 1000}
      model: {plugin: mlp, hidden: [64]}
      optimizer: {plugin: sgd, lr: 0.1, momentum: 0.9}
      loss: softmax-cross-entropy
      training:
        earlyStopping: {monitor: validation_accuracy, patience: 2}
        accumulate: 2
        checkpointEvery: 1
        topK: 3
        perClassAccuracy: true
      """;

  @Test
  void datasetOptionsLeaveThePluginParameters() {
    ExperimentSpec s = SpecParser.parse(BASE, "f");
    assertThat(s.dataset().params()).containsOnlyKeys("limit");
    assertThat(s.data()).isEqualTo(new DataOptions(500, 0.2, 0, 0, true, 0, 4, true, 0.4));
    assertThat(s.data().transformsBatches()).isTrue();
    TrainingOptions t = s.training();
    assertThat(t.earlyStopping())
        .isEqualTo(new TrainingOptions.EarlyStopping("validation_accuracy", 2, 0, true));
    assertThat(t.earlyStopping().higherIsBetter()).isTrue();
    assertThat(t.accumulate()).isEqualTo(2);
    assertThat(t.checkpointEvery()).isEqualTo(1);
    assertThat(t.topK()).isEqualTo(3);
    assertThat(t.perClassAccuracy()).isTrue();
  }

  @Test
  void specsWithoutOptionsGetNone() {
    ExperimentSpec s =
        SpecParser.parse("epochs: 1\ndataset: xor\nmodel: mlp\noptimizer: sgd\nloss: l2\n", "x");
    assertThat(s.data()).isEqualTo(DataOptions.NONE);
    assertThat(s.training()).isEqualTo(TrainingOptions.NONE);
  }

  private static String with(String dataset, String training) {
    return "epochs: 1\ndataset: {plugin: xor"
        + dataset
        + "}\nmodel: mlp\noptimizer: sgd\nloss: l2\n"
        + (training == null ? "" : "training: " + training + "\n");
  }

  @Test
  void optionErrorsNameTheField() {
    assertError(
        with(", validation: 1", null),
        "dataset.validation: 1 is not allowed; expected a number >= 0 and < 1");
    assertError(
        with(", validation: 0.2, folds: 5", null),
        "dataset.folds: cannot be combined with dataset.validation");
    assertError(
        with(", folds: 5, fold: 5", null),
        "dataset.fold: 5 is not allowed; with 5 folds it is 0..4");
    assertError(with(", folds: 1", null), "dataset.folds: 1 is not allowed");
    assertError(
        with(", augment: {crop: 4, flop: true}", null),
        "dataset.augment.flop: unknown field; did you mean 'flip'?");
    assertError(with(", mixup: -1", null), "dataset.mixup: -1 is not allowed");
    assertError(
        with("", "{earlyStoping: {}}"),
        "training.earlyStoping: unknown field; did you mean 'earlyStopping'?");
    assertError(
        with("", "{earlyStopping: {monitor: val_loss}}"),
        "training.earlyStopping.monitor: 'val_loss' is not allowed");
    assertError(
        with("", "{accumulate: 0}"),
        "training.accumulate: 0 is not allowed; expected an integer >= 1");
    assertError(with("", "{fineTune: {freeze: true}}"), "training.fineTune.from: missing");
    assertError(with("", "[1]"), "training: a list is not allowed; expected a section");
  }

  private static void assertError(String spec, String message) {
    assertThatThrownBy(() -> SpecParser.parse(spec, "f"))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith(message);
  }

  private static final String VARIANTS =
      """
      # the race
      name: race
      experiment: optimizers
      epochs: 1
      dataset: {plugin: xor, batchSize: 4}
      model: {plugin: mlp, hidden: [4]}
      optimizer: {plugin: sgd, lr: 0.1}
      loss: softmax-cross-entropy
      variants:
        - {name: sgd}
        - {name: momentum, optimizer: {momentum: 0.9}}
        - {name: adam, optimizer: {plugin: adam, lr: 0.01}, epochs: 3}
        - {loss: {plugin: hinge, margin: 0}}
      """;

  @Test
  void variantsExpandToOneSpecEach() {
    List<ExperimentSpec> specs = SpecParser.parseAll(VARIANTS, "file");
    assertThat(specs)
        .extracting(ExperimentSpec::name)
        .containsExactly("race-sgd", "race-momentum", "race-adam", "race-v4");
    assertThat(specs).extracting(ExperimentSpec::experiment).containsOnly("optimizers");
    assertThat(specs.get(0).optimizer().params()).containsExactlyEntriesOf(Map.of("lr", 0.1));
    assertThat(specs.get(1).optimizer().params())
        .containsEntry("lr", 0.1)
        .containsEntry("momentum", 0.9);
    // another plugin replaces the section: sgd's lr does not leak into adam's
    assertThat(specs.get(2).optimizer().plugin()).isEqualTo("adam");
    assertThat(specs.get(2).optimizer().params()).containsOnlyKeys("lr").containsEntry("lr", 0.01);
    assertThat(specs.get(2).epochs()).isEqualTo(3);
    assertThat(specs.get(3).loss().plugin()).isEqualTo("hinge");
    // each variant's text is a plain spec that parses to the same thing
    for (ExperimentSpec s : specs) {
      assertThat(s.text()).doesNotContain("variants");
      ExperimentSpec again = SpecParser.parse(s.text(), "other");
      assertThat(again.name()).isEqualTo(s.name());
      assertThat(again.optimizer()).isEqualTo(s.optimizer());
    }
  }

  @Test
  void aSpecWithoutVariantsIsOneSpec() {
    assertThat(SpecParser.parseAll(BASE, "f"))
        .hasSize(1)
        .first()
        .extracting(ExperimentSpec::text)
        .isEqualTo(BASE);
  }

  @Test
  void variantErrors() {
    assertThatThrownBy(() -> SpecParser.parse(VARIANTS, "f"))
        .hasMessageStartingWith("variants: a spec with variants describes several runs");
    String dup = VARIANTS.replace("{name: momentum,", "{name: sgd,");
    assertThatThrownBy(() -> SpecParser.parseAll(dup, "f"))
        .hasMessageStartingWith("variants[1].name: 'sgd' names two variants");
    String unknown = VARIANTS.replace("{name: sgd}", "{name: sgd, optimiser: {lr: 1}}");
    assertThatThrownBy(() -> SpecParser.parseAll(unknown, "f"))
        .hasMessageStartingWith("variants[0].optimiser: unknown field");
    String bad = VARIANTS.replace("epochs: 3}", "epochs: 0}");
    assertThatThrownBy(() -> SpecParser.parseAll(bad, "f"))
        .hasMessageStartingWith("epochs: 0 is not allowed");
    assertThatThrownBy(() -> SpecParser.parseAll("epochs: 1\nvariants: []\n", "f"))
        .hasMessageStartingWith("variants: a list is not allowed");
  }
}
