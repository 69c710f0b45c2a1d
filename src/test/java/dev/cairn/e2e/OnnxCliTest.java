package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn export|import|predict|evaluate} on the assembled distribution. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnnxCliTest {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  @TempDir static Path data;
  @TempDir static Path work;
  private String runId;
  private Path xorInput;

  @BeforeAll
  void trainXor() throws Exception {
    CairnProcess.Result r = CairnProcess.run(data, 5, "run", "experiments/xor-mlp.yaml", "--json");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    runId = new JsonObject(r.stdout()).getString("id");
    xorInput = work.resolve("xor.json");
    Files.writeString(xorInput, "[[0,0],[0,1],[1,0],[1,1]]");
  }

  private CairnProcess.Result cairn(String... args) throws Exception {
    return CairnProcess.run(data, 5, args);
  }

  @Test
  void exportWritesAVerifiedFileThatIsTheSameEveryTime() throws Exception {
    Path a = work.resolve("a.onnx");
    Path b = work.resolve("b.onnx");
    CairnProcess.Result first = cairn("export", runId, "--out", a.toString());
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(first.stdout())
        .contains("exported run " + runId + " (xor-mlp) to " + a)
        .containsPattern(
            "verified: max \\|ONNX Runtime - DJL\\| = \\d\\.\\d\\de-\\d\\d on a probe batch of 8 \\(allowed 1e-04 \\+ 1e-05 \\* \\|DJL\\|\\)")
        .contains("model id: ");
    CairnProcess.Result second = cairn("export", runId, "--out", b.toString(), "--json");
    assertThat(second.exitCode()).as(second.stderr()).isZero();
    JsonObject json = new JsonObject(second.stdout());
    assertThat(json.getBoolean("reused")).isTrue();
    assertThat(json.getJsonObject("verification").getDouble("maxAbsDiff"))
        .isLessThanOrEqualTo(1e-4);
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    assertThat(data.resolve("runs").resolve(runId).resolve("artifacts/model.onnx")).exists();
    if (Files.isExecutable(PYTHON)) {
      Process p =
          new ProcessBuilder(
                  PYTHON.toString(),
                  "-c",
                  "import sys, onnx; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print('checked')",
                  a.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor(2, TimeUnit.MINUTES);
      if (!out.contains("No module named 'onnx'")) {
        assertThat(out).as("onnx.checker on the export").contains("checked");
      }
    }
  }

  @Test
  void importedExportPredictsXorAndEvaluatesLikeItsRun() throws Exception {
    Path file = work.resolve("for-import.onnx");
    assertThat(cairn("export", runId, "--out", file.toString()).exitCode()).isZero();
    CairnProcess.Result imported = cairn("import", file.toString(), "--json");
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    JsonObject model = new JsonObject(imported.stdout());
    String id = model.getString("id");
    assertThat(model.getJsonArray("inputs").getJsonObject(0).getJsonArray("shape"))
        .isEqualTo(new JsonArray().add("batch").add(2));
    assertThat(model.getJsonArray("classLabels")).hasSize(2);

    CairnProcess.Result predicted = cairn("predict", id, "--input", xorInput.toString(), "--json");
    assertThat(predicted.exitCode()).as(predicted.stderr()).isZero();
    JsonArray predictions = new JsonObject(predicted.stdout()).getJsonArray("predictions");
    assertThat(predictions.stream().map(p -> ((JsonObject) p).getInteger("index")))
        .containsExactly(0, 1, 1, 0);

    CairnProcess.Result table = cairn("predict", file.toString(), "--input", xorInput.toString());
    assertThat(table.exitCode()).as(table.stderr()).isZero();
    assertThat(table.stdout()).contains("example  class  label  probability");
    assertThat(table.stderr()).contains("on cpu (CPU execution provider");

    CairnProcess.Result evaluated =
        cairn("evaluate", id, "--dataset", "xor", "-P", "repeat=1", "--json");
    assertThat(evaluated.exitCode()).as(evaluated.stderr()).isZero();
    JsonObject e = new JsonObject(evaluated.stdout());
    assertThat(e.getDouble("accuracy")).isEqualTo(1.0);
    assertThat(e.getLong("examples")).isEqualTo(4);
  }

  @Test
  void badFilesAndInputsAreRefusedWithTheReasonAndNothingIsRegistered() throws Exception {
    Path good = work.resolve("good.onnx");
    assertThat(cairn("export", runId, "--out", good.toString()).exitCode()).isZero();
    byte[] bytes = Files.readAllBytes(good);
    Path truncated = work.resolve("truncated.onnx");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
    Path text = work.resolve("text.onnx");
    Files.writeString(text, "not a model at all");
    long before = storedModels();
    for (Path bad : List.of(truncated, text)) {
      CairnProcess.Result r = cairn("import", bad.toString());
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.stderr()).contains("error: " + bad.getFileName() + " is not an ONNX model");
    }
    assertThat(storedModels()).isEqualTo(before);

    Path ragged = work.resolve("ragged.json");
    Files.writeString(ragged, "[[0, 1], [1]]");
    CairnProcess.Result r = cairn("predict", good.toString(), "--input", ragged.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("error: input 'input' is ragged");
    CairnProcess.Result unknown =
        cairn("export", "nosuchrun", "--out", work.resolve("never.onnx").toString());
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.stderr()).contains("error: no run with id 'nosuchrun'");
    CairnProcess.Result cuda =
        cairn("predict", good.toString(), "--input", xorInput.toString(), "--provider", "cuda");
    if (cuda.exitCode() != 0) {
      assertThat(cuda.stderr()).contains("execution provider 'cuda' cannot be used");
    }
  }

  private long storedModels() throws Exception {
    Path dir = data.resolve("models");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }

  @Test
  void aPyTorchExportImportsAndPredictsWhatTorchComputed() throws Exception {
    Process check =
        new ProcessBuilder(PYTHON.toString(), "-c", "import torch")
            .redirectErrorStream(true)
            .start();
    check.getInputStream().readAllBytes();
    Assumptions.assumeTrue(
        check.waitFor() == 0, "/usr/bin/python3 with python3-torch is not installed");
    Path fixtures = work.resolve("torch");
    Process gen =
        new ProcessBuilder(
                PYTHON.toString(),
                CairnProcess.REPO.resolve("onnx-models/make_torch_fixtures.py").toString(),
                fixtures.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(gen.getInputStream().readAllBytes());
    assertThat(gen.waitFor()).as(log).isZero();
    CairnProcess.Result imported = cairn("import", fixtures.resolve("lenet.onnx").toString());
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    String id = imported.stdout().trim();
    JsonObject input = new JsonObject(Files.readString(fixtures.resolve("lenet.input.json")));
    JsonObject expected = new JsonObject(Files.readString(fixtures.resolve("lenet.output.json")));
    Path body = work.resolve("lenet-request.json");
    // flat values per example: predict reshapes them to the model's [batch, 1, 28, 28]
    JsonArray flat = input.getJsonArray("data");
    int batch = input.getJsonArray("shape").getInteger(0);
    int per = flat.size() / batch;
    JsonArray rows = new JsonArray();
    for (int i = 0; i < batch; i++) {
      rows.add(new JsonArray(flat.getList().subList(i * per, (i + 1) * per)));
    }
    Files.writeString(body, new JsonObject().put("inputs", rows).encode());
    CairnProcess.Result predicted = cairn("predict", id, "--input", body.toString(), "--json");
    assertThat(predicted.exitCode()).as(predicted.stderr()).isZero();
    JsonObject output =
        new JsonObject(predicted.stdout()).getJsonObject("outputs").getJsonObject("output");
    assertThat(output.getJsonArray("shape")).isEqualTo(expected.getJsonArray("shape"));
    JsonArray got = output.getJsonArray("data");
    JsonArray want = expected.getJsonArray("data");
    double max = 0;
    int cols = want.size() / got.size();
    for (int i = 0; i < got.size(); i++) {
      for (int j = 0; j < cols; j++) {
        max =
            Math.max(
                max, Math.abs(got.getJsonArray(i).getDouble(j) - want.getDouble(i * cols + j)));
      }
    }
    assertThat(max).isLessThanOrEqualTo(1e-4);
  }
}
