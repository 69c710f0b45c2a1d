package dev.cairn.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.SpecException;
import org.junit.jupiter.api.Test;

class SpecParserTest {
  private static final String OK =
      """
      name: demo
      experiment: course
      seed: 7
      device: cpu
      epochs: 3
      logging: {everySteps: 5}
      dataset: {plugin: fashion-mnist, batchSize: 256, shuffle: false, limit: 100}
      model: {plugin: mlp, hidden: [256]}
      optimizer: {plugin: sgd, lr: 1e-1}
      loss: softmax-cross-entropy
      """;

  @Test
  void parsesEverySection() {
    ExperimentSpec s = SpecParser.parse(OK, "file");
    assertThat(s.name()).isEqualTo("demo");
    assertThat(s.experiment()).isEqualTo("course");
    assertThat(s.seed()).isEqualTo(7);
    assertThat(s.device()).isEqualTo(DeviceChoice.CPU);
    assertThat(s.epochs()).isEqualTo(3);
    assertThat(s.logging().everySteps()).isEqualTo(5);
    assertThat(s.loader()).isEqualTo(new LoaderSpec(256, false, false));
    assertThat(s.dataset().plugin()).isEqualTo("fashion-mnist");
    assertThat(s.dataset().params()).containsOnlyKeys("limit");
    assertThat(s.model().params()).containsKey("hidden");
    assertThat(s.loss().plugin()).isEqualTo("softmax-cross-entropy");
    assertThat(s.text()).isEqualTo(OK);
  }

  @Test
  void defaults() {
    ExperimentSpec s =
        SpecParser.parse(
            "epochs: 1\ndataset: xor\nmodel: mlp\noptimizer: sgd\nloss: l2\n", "xor-run");
    assertThat(s.name()).isEqualTo("xor-run");
    assertThat(s.experiment()).isEqualTo("default");
    assertThat(s.seed()).isEqualTo(42);
    assertThat(s.device()).isEqualTo(DeviceChoice.AUTO);
    assertThat(s.loader()).isEqualTo(new LoaderSpec(32, true, false));
    assertThat(s.logging().histogramsEveryEpochs()).isEqualTo(1);
    assertThat(s.logging().imagesEveryEpochs()).isEqualTo(1);
  }

  @Test
  void histogramAndImageCadencesAreSpecFields() {
    ExperimentSpec s =
        SpecParser.parse(
            "epochs: 4\nlogging: {histogramsEveryEpochs: 0, imagesEveryEpochs: 2}\n" + rest(), "x");
    assertThat(s.logging().histogramsEveryEpochs()).isZero();
    assertThat(s.logging().imagesEveryEpochs()).isEqualTo(2);
    assertThat(s.logging().everySteps()).isEqualTo(10);
    assertThat(s.logging().systemEverySeconds()).as("default").isEqualTo(10);
    assertThat(
            SpecParser.parse("epochs: 1\nlogging: {systemEverySeconds: 0}\n" + rest(), "x")
                .logging()
                .systemEverySeconds())
        .isZero();
    assertError(
        "epochs: 1\nlogging: {systemEverySeconds: -2}\n" + rest(),
        "logging.systemEverySeconds: -2 is not allowed; expected an integer >= 0 and <= 2147483647");
  }

  @Test
  void evaluationCadenceAndThreads() {
    assertThat(SpecParser.parse("epochs: 1\n" + rest(), "x").logging().evaluateEveryEpochs())
        .as("default")
        .isEqualTo(1);
    assertThat(
            SpecParser.parse("epochs: 1\nlogging: {evaluateEveryEpochs: 3}\n" + rest(), "x")
                .logging()
                .evaluateEveryEpochs())
        .isEqualTo(3);
    assertError(
        "epochs: 1\nlogging: {evaluateEveryEpochs: 0}\n" + rest(),
        "logging.evaluateEveryEpochs: 0 is not allowed; expected an integer >= 1 and <= 2147483647");
    assertThat(SpecParser.parse("epochs: 1\n" + rest(), "x").training().threads())
        .as("default")
        .isZero();
    assertThat(
            SpecParser.parse("epochs: 1\ntraining: {threads: 2}\n" + rest(), "x")
                .training()
                .threads())
        .isEqualTo(2);
    assertError(
        "epochs: 1\ntraining: {threads: -1}\n" + rest(),
        "training.threads: -1 is not allowed; expected an integer >= 0 and <= 1024");
  }

  @Test
  void structuralErrorsNameTheField() {
    assertError(
        "epochs: 0\n" + rest(),
        "epochs: 0 is not allowed; expected an integer >= 1 and <= 2147483647");
    assertError(
        "epochs: 1\ndevice: tpu\n" + rest(),
        "device: 'tpu' is not allowed; one of: auto, cpu, gpu");
    assertError(
        "epochs: 1\ndataset: {batchSize: 4}\nmodel: mlp\noptimizer: sgd\nloss: l2\n",
        "dataset.plugin: missing; name the dataset plugin to use (see `cairn plugins`)");
    assertError(
        "epochs: 1\ndataset: {plugin: xor, batchSize: -4}\nmodel: mlp\noptimizer: sgd\nloss: l2\n",
        "dataset.batchSize: -4 is not allowed; expected an integer >= 1 and <= 2147483647");
    assertError(
        "epochs: 1\ndataset: xor\nmodel: mlp\noptimizer: sgd\n",
        "loss: missing; expected a section with at least `plugin: <id>`");
    assertError("- a\n- b\n", "spec: expected a YAML mapping (key: value lines), got a list");
    assertError(
        "", "spec: empty; expected a YAML mapping with dataset, model, optimizer, loss and epochs");
    assertError(
        "epochs: 1\nlogging: {every: 3}\n" + rest(),
        "logging.every: unknown field; allowed: everySteps, histogramsEveryEpochs, imagesEveryEpochs, systemEverySeconds, evaluateEveryEpochs");
    assertError(
        "epochs: 1\nlogging: {imagesEveryEpoch: 3}\n" + rest(),
        "logging.imagesEveryEpoch: unknown field; did you mean 'imagesEveryEpochs'? allowed: everySteps, histogramsEveryEpochs, imagesEveryEpochs, systemEverySeconds, evaluateEveryEpochs");
    assertError(
        "epochs: 1\nlogging: {histogramsEveryEpochs: -1}\n" + rest(),
        "logging.histogramsEveryEpochs: -1 is not allowed; expected an integer >= 0 and <= 2147483647");
  }

  private static String rest() {
    return "dataset: xor\nmodel: mlp\noptimizer: sgd\nloss: l2\n";
  }

  private static void assertError(String yaml, String message) {
    assertThatThrownBy(() -> SpecParser.parse(yaml, "x"))
        .isInstanceOf(SpecException.class)
        .hasMessage(message);
  }
}
