package dev.cairn.core.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Provenance;
import dev.cairn.core.plugins.PluginRegistry;
import dev.cairn.core.spec.SpecResolver;
import dev.cairn.spi.SpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SweepSpecParserTest {
  static final String BASE =
      """
      spec:
        name: xor
        epochs: 6
        dataset: {plugin: xor, repeat: 8, batchSize: 8}
        model: {plugin: mlp, hidden: [4]}
        optimizer: {plugin: sgd, lr: 0.1}
        loss: softmax-cross-entropy
      """;
  static PluginRegistry plugins;

  @BeforeAll
  static void load() {
    plugins = PluginRegistry.load(null, Provenance.cairnVersion());
  }

  @AfterAll
  static void close() {
    plugins.close();
  }

  static SweepSpec parse(String body) {
    return SweepSpecParser.parse(BASE + body, null, "test");
  }

  @Test
  void readsAFullSweep() {
    SweepSpec s =
        parse(
            """
        method: bayes
        metric: {name: epoch/test_accuracy, goal: maximize}
        parameters:
          optimizer.lr: {distribution: log_uniform, min: 0.001, max: 1}
          dataset.batchSize: {values: [4, 8]}
          model.hidden: {values: [[4], [8, 4]], probabilities: [0.25, 0.75]}
          model.dropout: {min: 0.0, max: 0.5}
          seed: {min: 1, max: 9}
          epochs: {value: 4}
        early_terminate: {type: asha, min_iter: 1, eta: 2}
        run_cap: 7
        parallel: 2
        seed: 3
        """);
    assertThat(s.method()).isEqualTo(SweepMethod.BAYES);
    assertThat(s.goal()).isEqualTo(Goal.MAXIMIZE);
    assertThat(s.parameters())
        .extracting(p -> p.domain().kind())
        .containsExactly(
            "log_uniform", "categorical", "categorical", "uniform", "int_uniform", "value");
    assertThat(s.earlyTerminate().type()).isEqualTo(EarlyTerminate.Type.ASHA);
    assertThat(s.earlyTerminate().reductionFactor()).isEqualTo(2);
    assertThat(s.maxSteps()).isEqualTo(4);
    assertThat(s.runCap()).isEqualTo(7);
    assertThat(s.parallel()).isEqualTo(2);
    assertThat(s.tpe()).isEqualTo(new SweepSpec.TpeSettings(10, 24));
    SweepValidator.validate(s, new SpecResolver(plugins));
  }

  @Test
  void gridCapsAtItsSizeAndRejectsContinuousDistributions() {
    SweepSpec grid =
        parse(
            """
        method: grid
        metric: {name: epoch/train_loss}
        parameters:
          optimizer.lr: {values: [0.1, 0.01]}
          dataset.batchSize: {distribution: q_uniform, min: 4, max: 12, q: 4}
        run_cap: 100
        """);
    assertThat(grid.runCap()).isEqualTo(6);
    assertThat(grid.goal()).isEqualTo(Goal.MINIMIZE);
    assertThatThrownBy(
            () ->
                parse(
                    """
        method: grid
        metric: {name: epoch/train_loss}
        parameters:
          optimizer.lr: {distribution: log_uniform, min: 0.001, max: 1}
        """))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith(
            "parameters.optimizer.lr: distribution log_uniform cannot be enumerated by method grid");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unknown path | optimizer.lrr: {values: [1]} | parameters.optimizer.lrr: unknown parameter; did you mean 'lr'?",
        "unknown section | optimiser.lr: {values: [1]} | parameters.optimiser.lr: unknown spec path; did you mean 'optimizer'?",
        "bare section | optimizer: {values: [1]} | parameters.optimizer: unknown spec path",
        "empty values | model.hidden: {values: []} | parameters.model.hidden.values: empty; give at least one value",
        "min > max | optimizer.lr: {distribution: uniform, min: 1, max: 0.5} | parameters.optimizer.lr: min 1 is greater than max 0.5",
        "empty range | optimizer.lr: {distribution: uniform, min: 0.5, max: 0.5} | parameters.optimizer.lr: empty range [0.5, 0.5]",
        "log range <= 0 | optimizer.lr: {distribution: log_uniform, min: 0, max: 1} | parameters.optimizer.lr.min: 0 is not allowed; a log range needs 0 < min < max",
        "bad value for plugin | optimizer.lr: {values: [0.1, -1]} | parameters.optimizer.lr: -1 is not allowed; expected a number > 0",
        "unknown distribution | optimizer.lr: {distribution: loguniform, min: 0.1, max: 1} | parameters.optimizer.lr.distribution: unknown field; did you mean 'log_uniform'?",
        "probabilities | model.hidden: {values: [[4], [8]], probabilities: [0.5, 0.6]} | parameters.model.hidden.probabilities: sum to 1.1",
        "unknown plugin | optimizer.plugin: {values: [sgd, adamx]} | parameters.optimizer.plugin: 'adamx' is not installed",
      })
  void badSweepsFailNamingTheField(String what, String parameter, String message) {
    assertThatThrownBy(
            () -> {
              SweepSpec s =
                  parse(
                      "method: random\nmetric: {name: epoch/train_loss}\nparameters:\n  "
                          + parameter
                          + "\n");
              SweepValidator.validate(s, new SpecResolver(plugins));
            })
        .as(what)
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void topLevelMistakesNameTheField() {
    assertThatThrownBy(() -> parse("methd: grid\n"))
        .hasMessageStartingWith("methd: unknown field; did you mean 'method'?");
    assertThatThrownBy(
            () -> parse("method: anneal\nmetric: {name: x}\nparameters: {seed: {values: [1]}}\n"))
        .hasMessageStartingWith("method: 'anneal' is not allowed; one of: grid, random, bayes");
    assertThatThrownBy(() -> parse("method: grid\nparameters: {seed: {values: [1]}}\n"))
        .hasMessageStartingWith("metric: missing");
    assertThatThrownBy(
            () ->
                parse(
                    "method: grid\nmetric: {name: x, goal: up}\nparameters: {seed: {values: [1]}}\n"))
        .hasMessageStartingWith("metric.goal: 'up' is not allowed");
    assertThatThrownBy(
            () ->
                parse(
                    "method: grid\nmetric: {name: x}\nparameters: {seed: {values: [1]}}\n"
                        + "early_terminate: {type: asha, eta: 1}\n"))
        .hasMessageStartingWith("early_terminate.eta: 1 is not allowed");
    assertThatThrownBy(() -> SweepSpecParser.parse("method: grid\n", null, "x"))
        .hasMessageStartingWith("spec: missing");
    assertThatThrownBy(
            () ->
                parse(
                    "method: grid\nmetric: {name: x}\nparameters: {seed: {values: [1]}}\nparallel: 0\n"))
        .hasMessageStartingWith("parallel: 0 is not allowed");
  }

  @Test
  void baseSpecFileIsReadRelativeToTheSweepAndItsErrorsAreNamedUnderSpec(@TempDir Path dir)
      throws Exception {
    Files.writeString(
        dir.resolve("base.yaml"),
        "epochs: 2\ndataset: {plugin: xor}\nmodel: mlp\noptimizer: sgd\nloss: softmax-cross-entropy\n");
    Files.writeString(
        dir.resolve("s.yaml"),
        "spec: base.yaml\nmethod: random\nmetric: {name: epoch/train_loss}\n"
            + "parameters: {optimizer.lr: {min: 0.01, max: 0.1}}\n");
    SweepSpec s = SweepSpecParser.parseFile(dir.resolve("s.yaml"));
    assertThat(s.name()).isEqualTo("s");
    assertThat(s.baseText()).contains("plugin: xor");
    assertThat(s.maxSteps()).isEqualTo(2);
    Files.writeString(
        dir.resolve("bad.yaml"),
        "spec: {epochs: 0, dataset: xor, model: mlp, optimizer: sgd, loss: l2}\n"
            + "method: random\nmetric: {name: a}\nparameters: {seed: {values: [1]}}\n");
    assertThatThrownBy(() -> SweepSpecParser.parseFile(dir.resolve("bad.yaml")))
        .hasMessageStartingWith("spec.epochs: 0 is not allowed");
    Files.writeString(dir.resolve("missing.yaml"), "spec: nope.yaml\nmethod: grid\n");
    assertThatThrownBy(() -> SweepSpecParser.parseFile(dir.resolve("missing.yaml")))
        .hasMessageContaining("spec: file not found");
  }

  @Test
  void shippedSweepsParseAndValidate() throws Exception {
    Path experiments =
        Path.of(System.getProperty("user.dir")).resolve("../../experiments").normalize();
    List<Path> sweeps;
    try (var files = Files.list(experiments)) {
      sweeps = files.filter(f -> f.getFileName().toString().startsWith("sweep-")).sorted().toList();
    }
    assertThat(sweeps)
        .extracting(f -> f.getFileName().toString())
        .contains("sweep-mlp-lr.yaml", "sweep-optimizer-lr.yaml", "sweep-dropout-wd.yaml");
    for (Path f : sweeps) {
      SweepSpec s = SweepSpecParser.parseFile(f);
      SweepValidator.validate(s, new SpecResolver(plugins));
      assertThat(s.name())
          .as(f.toString())
          .isEqualTo(f.getFileName().toString().replace(".yaml", ""));
    }
    SweepSpec lr = SweepSpecParser.parseFile(experiments.resolve("sweep-mlp-lr.yaml"));
    assertThat(lr.earlyTerminate().type()).isEqualTo(EarlyTerminate.Type.ASHA);
    assertThat(lr.parameters())
        .extracting(SweepParameter::path)
        .containsExactly("optimizer.lr", "dataset.batchSize");
    assertThat(SweepSpecParser.parseFile(experiments.resolve("sweep-optimizer-lr.yaml")).runCap())
        .isEqualTo(10);
  }

  @Test
  void trialSpecsApplyEveryPathAndKeepTheRest() {
    SweepSpec s =
        parse(
            "method: grid\nmetric: {name: epoch/train_loss}\nparameters:\n"
                + "  model.hidden: {values: [[8, 4]]}\n  loss.plugin: {values: [softmax-cross-entropy]}\n"
                + "  logging.everySteps: {value: 3}\n");
    String text =
        TrialSpecs.text(
            s,
            "test-1",
            Map.of(
                "model.hidden",
                List.of(8, 4),
                "loss.plugin",
                "softmax-cross-entropy",
                "logging.everySteps",
                3));
    var spec = TrialSpecs.parse(text, "x");
    assertThat(spec.name()).isEqualTo("test-1");
    assertThat(spec.model().params()).containsEntry("hidden", List.of(8, 4));
    assertThat(spec.loss().plugin()).isEqualTo("softmax-cross-entropy");
    assertThat(spec.logging().everySteps()).isEqualTo(3);
    assertThat(spec.optimizer().params()).containsEntry("lr", 0.1);
    assertThat(s.baseTree().get("model")).isEqualTo(Map.of("plugin", "mlp", "hidden", List.of(4)));
  }
}
