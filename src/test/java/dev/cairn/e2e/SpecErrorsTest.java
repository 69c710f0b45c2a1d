package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong spec fails before training with one message naming the field, the value and what is
 * allowed.
 */
class SpecErrorsTest {
  @TempDir Path dir;

  private CairnProcess.Result run(String yaml) throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, yaml);
    return CairnProcess.run(dir.resolve("data"), 2, "run", spec.toString());
  }

  private static String base(String model, String optimizer) {
    return "epochs: 1\ndataset: {plugin: xor}\nmodel: "
        + model
        + "\noptimizer: "
        + optimizer
        + "\nloss: {plugin: softmax-cross-entropy}\n";
  }

  @Test
  void unknownModelPluginListsInstalledModels() throws Exception {
    CairnProcess.Result r = run(base("{plugin: mlpp}", "{plugin: sgd, lr: 0.1}"));
    assertThat(r.exitCode()).isEqualTo(2);
    String line =
        r.stderr().lines().filter(l -> l.contains("model.plugin")).findFirst().orElseThrow();
    assertThat(line)
        .contains(
            "model.plugin: 'mlpp' is not installed (did you mean 'mlp'?); installed models: ");
    String installed =
        line.substring(line.indexOf("installed models: ") + "installed models: ".length());
    assertThat(installed.split(", "))
        .contains("linear", "mlp", "residual-mlp", "softmax-regression")
        .isSorted();
  }

  @Test
  void negativeLearningRate() throws Exception {
    CairnProcess.Result r = run(base("{plugin: mlp}", "{plugin: sgd, lr: -0.1}"));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("optimizer.lr: -0.1 is not allowed; expected a number > 0");
  }

  @Test
  void mistypedParameterSuggestsTheRightOne() throws Exception {
    CairnProcess.Result r = run(base("{plugin: mlp, hiden: [4]}", "{plugin: sgd, lr: 0.1}"));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("model.hiden: unknown parameter; did you mean 'hidden'?");
  }

  @Test
  void wrongTypeAndMissingField() throws Exception {
    CairnProcess.Result wrongType =
        run(base("{plugin: mlp, hidden: many}", "{plugin: sgd, lr: 0.1}"));
    assertThat(wrongType.stderr())
        .contains("model.hidden: 'many' is not allowed; expected a list of integers");
    CairnProcess.Result missing =
        run("dataset: {plugin: xor}\nmodel: mlp\noptimizer: sgd\nloss: softmax-cross-entropy\n");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.stderr()).contains("epochs: missing; expected an integer >= 1");
  }

  @Test
  void unknownTopLevelFieldAndBadYaml() throws Exception {
    CairnProcess.Result unknown = run("epoch: 3\n" + base("mlp", "sgd"));
    assertThat(unknown.stderr()).contains("epoch: unknown field; did you mean 'epochs'?");
    CairnProcess.Result yaml = run("epochs: [1\nmodel: x\n");
    assertThat(yaml.exitCode()).isEqualTo(2);
    assertThat(yaml.stderr()).contains("spec: not valid YAML at line");
  }

  @Test
  void nothingIsRecordedForAnInvalidSpec() throws Exception {
    run(base("{plugin: mlpp}", "{plugin: sgd}"));
    CairnProcess.Result runs = CairnProcess.run(dir.resolve("data"), 2, "runs", "--json");
    assertThat(runs.stdout()).contains("\"runs\" : [ ]");
  }
}
