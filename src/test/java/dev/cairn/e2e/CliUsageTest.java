package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user types first: --help everywhere, a typo, a port already taken. */
class CliUsageTest {
  @TempDir Path dir;

  @Test
  void helpWorksOnEverySubcommandAndNoCommandLineIsCutOff() throws Exception {
    CairnProcess.Result top = CairnProcess.run(null, 1, "--help");
    assertThat(top.exitCode()).as(top.stderr()).isZero();
    List<String> commands = commandsOf(top.stdout());
    assertThat(commands)
        .contains(
            "run",
            "resume",
            "runs",
            "plugins",
            "serve",
            "sweep",
            "worker",
            "export",
            "import",
            "predict",
            "evaluate");
    // a command's description ends a sentence, not mid-list (evaluate's used to stop at "split,")
    assertThat(top.stdout()).contains("dataset plugin's split, through ONNX Runtime");
    for (String command : commands) {
      CairnProcess.Result help = CairnProcess.run(null, 1, command, "--help");
      assertThat(help.exitCode()).as("cairn %s --help: %s", command, help.stderr()).isZero();
      assertThat(help.stdout()).as("cairn %s --help", command).contains("Usage: cairn " + command);
      assertThat(help.stderr()).as("cairn %s --help", command).isEmpty();
    }
  }

  @Test
  void mistypedCommandGetsOneLineWithDidYouMean() throws Exception {
    CairnProcess.Result r = CairnProcess.run(null, 1, "rnu", "spec.yaml");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr().lines()).hasSize(1);
    assertThat(r.stderr())
        .startsWith("error: 'rnu' is not a cairn command (did you mean 'run'?); commands: run, ");

    CairnProcess.Result option = CairnProcess.run(null, 1, "runs", "--jsno");
    assertThat(option.exitCode()).isEqualTo(2);
    assertThat(option.stderr().lines()).hasSize(1);
    assertThat(option.stderr())
        .contains("unknown option '--jsno' (did you mean '--json'?)", "cairn runs --help");

    CairnProcess.Result missing = CairnProcess.run(null, 1, "run");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.stderr().lines()).hasSize(1);
    assertThat(missing.stderr()).contains("SPEC", "cairn run --help");
  }

  @Test
  void portInUseSaysSoInOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      CairnProcess.Result r =
          CairnProcess.run(dir.resolve("data"), 2, "serve", "--port", Integer.toString(port));
      assertThat(r.exitCode()).isNotZero();
      // only the error: no stack trace (a loaded machine may add Vert.x's blocked-thread warnings)
      List<String> lines =
          r.stderr().lines().filter(l -> !l.contains("BlockedThreadChecker")).toList();
      assertThat(lines).as(r.stderr()).hasSize(1);
      assertThat(lines.get(0)).matches("error: port " + port + " is in use; try --port \\d+");
    }
  }

  @Test
  void evaluateOnADatasetOfAnotherShapeNamesTheDatasetTheModelWasTrainedOn() throws Exception {
    Path data = dir.resolve("data");
    CairnProcess.Result run =
        CairnProcess.run(data, 5, "run", "experiments/xor-mlp.yaml", "--json");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    String runId = new JsonObject(run.stdout()).getString("id");
    CairnProcess.Result export =
        CairnProcess.run(data, 5, "export", runId, "--out", dir.resolve("xor.onnx").toString());
    assertThat(export.exitCode()).as(export.stderr()).isZero();
    Matcher id = Pattern.compile("model id: (\\S+)").matcher(export.stdout());
    assertThat(id.find()).as(export.stdout()).isTrue();

    CairnProcess.Result r =
        CairnProcess.run(data, 5, "evaluate", id.group(1), "--dataset", "fashion-mnist");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr().lines()).as(r.stderr()).hasSize(1);
    assertThat(r.stderr())
        .startsWith("error: dataset 'fashion-mnist' does not fit model '" + id.group(1))
        .contains(
            "takes input 'input' of shape [batch, 2]",
            "batches of shape [256, 1, 28, 28]",
            "the model was trained on dataset 'xor' (run " + runId + ")")
        .doesNotContain("Give a batch of examples");
  }

  /** The command names listed under "Commands:" in the top-level help. */
  private static List<String> commandsOf(String help) {
    List<String> names = new ArrayList<>();
    boolean inCommands = false;
    for (String line : help.lines().toList()) {
      if (line.startsWith("Commands:")) {
        inCommands = true;
      } else if (inCommands && line.matches("  [a-z][a-z-]*\\s.*")) {
        names.add(line.trim().split("\\s+")[0]);
      }
    }
    return names;
  }
}
