package dev.cairn.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Import of any ONNX file, rejection of what is not one, and predict's input handling. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImportPredictTest {
  /**
   * An export written by Cairn 0.1 (XOR MLP with batch norm): files from earlier versions keep
   * loading.
   */
  static final String V1_EXPORT = "xor-mlp-export-v1.onnx";

  @TempDir static Path dataDir;
  private TrainedRuns env;
  private byte[] v1;

  @BeforeAll
  void open() throws Exception {
    env = new TrainedRuns(dataDir);
    try (InputStream in = ImportPredictTest.class.getResourceAsStream(V1_EXPORT)) {
      v1 = in.readAllBytes();
    }
  }

  @AfterAll
  void close() {
    env.close();
  }

  private LoadedModel importV1() {
    return LoadedModel.of(env.models.importBytes(v1, "xor-v1", V1_EXPORT));
  }

  @Test
  void anEarlierExportImportsWithItsSignatureAndPredictsXor() {
    RegisteredModel model = env.models.importBytes(v1, "xor-v1", V1_EXPORT);
    assertThat(model.source()).isEqualTo(RegisteredModel.Source.IMPORT);
    ModelSignature sig = model.signature();
    assertThat(sig.inputs()).singleElement().hasToString("input: float[batch, 2]");
    assertThat(sig.outputs()).singleElement().hasToString("output: float[batch, 2]");
    assertThat(sig.irVersion()).isEqualTo(8);
    assertThat(sig.opsets()).containsEntry("", 13L);
    assertThat(sig.producer()).startsWith("cairn ");
    assertThat(sig.classLabels()).containsExactly("0", "1");
    Prediction p =
        env.models.predictJson(LoadedModel.of(model), "{\"inputs\": [[0,0],[0,1],[1,0],[1,1]]}");
    assertThat(p.classes())
        .extracting(Prediction.ClassScore::label)
        .containsExactly("0", "1", "1", "0");
    assertThat(p.outputs().get("output").shape()).containsExactly(4, 2);
  }

  @Test
  void singleExamplesGetABatchOfOne() {
    Prediction p = env.models.predictJson(importV1(), "[1, 0]");
    assertThat(p.outputs().get("output").shape()).containsExactly(1, 2);
    assertThat(p.classes()).singleElement().satisfies(c -> assertThat(c.label()).isEqualTo("1"));
    Prediction named = env.models.predictJson(importV1(), "{\"inputs\": {\"input\": [[0, 1]]}}");
    assertThat(named.classes()).singleElement().satisfies(c -> assertThat(c.index()).isEqualTo(1));
  }

  @Test
  void badTensorsAreRejectedWithWhatIsWrong() {
    LoadedModel m = importV1();
    assertThatThrownBy(() -> env.models.predictJson(m, "[[0, 1], [1]]"))
        .hasMessageContaining("input 'input' is ragged: input[1] is an array of 1");
    assertThatThrownBy(() -> env.models.predictJson(m, "[[0, \"a\"]]"))
        .hasMessageContaining("input 'input'[0][1] is the string \"a\", not a number");
    assertThatThrownBy(() -> env.models.predictJson(m, "[[0, 1, 2]]"))
        .hasMessageContaining("input 'input' takes shape [batch, 2] (float); got shape [1, 3]");
    assertThatThrownBy(() -> env.models.predictJson(m, "{\"inputs\": {\"x\": [[0, 1]]}}"))
        .hasMessageContaining("the model has no input 'x'; it takes [input: float[batch, 2]]");
    assertThatThrownBy(() -> env.models.predictJson(m, "[[0, 1]"))
        .hasMessageContaining("the input is not valid JSON");
    assertThatThrownBy(() -> env.models.predictJson(m, "[]")).hasMessageContaining("got shape [0]");
    assertThatThrownBy(() -> env.models.predictJson(m, "{\"x\": 1}"))
        .hasMessageContaining("expected a nested array");
    assertThat(
            Stream.of("[[0, 1], [1]]", "[[0, 1, 2]]")
                .map(
                    b -> {
                      try {
                        env.models.predictJson(m, b);
                        return null;
                      } catch (OnnxModelException e) {
                        return e.reason();
                      }
                    }))
        .containsOnly(OnnxModelException.Reason.BAD_INPUT);
  }

  @Test
  void whatIsNotAnOnnxModelIsRejectedAndNothingIsRegistered() throws Exception {
    int before = env.models.list(1000, 0).size();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", png);
    Map<String, byte[]> bad =
        Map.of(
            "empty.onnx", new byte[0],
            "notes.onnx", "just some text, not a model\n".getBytes(StandardCharsets.UTF_8),
            "truncated.onnx", Arrays.copyOf(v1, v1.length / 2),
            "truncated-tail.onnx", Arrays.copyOf(v1, v1.length - 7),
            "picture.onnx", png.toByteArray(),
            "zip.onnx", new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0});
    for (Map.Entry<String, byte[]> e : bad.entrySet()) {
      assertThatThrownBy(() -> env.models.importBytes(e.getValue(), "bad", e.getKey()))
          .as(e.getKey())
          .isInstanceOf(OnnxModelException.class)
          .hasMessageStartingWith(e.getKey())
          .satisfies(
              t ->
                  assertThat(((OnnxModelException) t).reason())
                      .isEqualTo(OnnxModelException.Reason.INVALID_MODEL));
    }
    assertThat(env.models.list(1000, 0)).hasSize(before);
    Path modelsDir = dataDir.resolve("models");
    if (Files.isDirectory(modelsDir)) {
      try (Stream<Path> files = Files.list(modelsDir)) {
        assertThat(files.filter(f -> !f.toString().endsWith(".onnx"))).isEmpty();
      }
    }
  }

  @Test
  void truncatedFilesNameTheLikelyCause() {
    assertThatThrownBy(
            () -> env.models.importBytes(Arrays.copyOf(v1, v1.length / 2), "t", "half.onnx"))
        .hasMessageContaining("half.onnx is not an ONNX model")
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> env.models.importBytes(new byte[0], "t", "empty.onnx"))
        .hasMessage(
            "empty.onnx is empty (0 bytes); expected an ONNX model file (a serialized ModelProto, usually *.onnx)");
  }

  @Test
  void sessionsAreCachedAndClosedWhenTheirModelIsDeleted() {
    LoadedModel m = importV1();
    env.models.predictJson(m, "[1, 1]");
    assertThat(env.models.sessions().openModels()).contains(m.key());
    assertThat(env.models.delete(m.key())).isTrue();
    assertThat(env.models.sessions().openModels()).doesNotContain(m.key());
  }

  @Test
  void theCacheKeepsAtMostItsCapacityAndLeasedSessionsSurviveEviction() throws Exception {
    Path file = dataDir.resolve("v1-copy.onnx");
    Files.write(file, v1);
    try (InferenceSessions sessions = new InferenceSessions(ProviderChoice.CPU, 2)) {
      InferenceSessions.Lease held = sessions.acquire("a", file);
      sessions.acquire("b", file).close();
      sessions.acquire("c", file).close();
      assertThat(sessions.openModels()).containsExactly("b", "c");
      // "a" was evicted while leased: it stays usable until handed back
      assertThat(held.session().getInputNames()).containsExactly("input");
      held.close();
      assertThat(held.provider()).isEqualTo("cpu");
    }
  }

  @Test
  void cudaOnACpuBuildIsAClearErrorAndAutoFallsBackToCpu() throws Exception {
    Path file = dataDir.resolve("v1-provider.onnx");
    Files.write(file, v1);
    if (!ExecutionProviders.cudaBuiltIn()) {
      assertThatThrownBy(() -> ExecutionProviders.open(file, ProviderChoice.CUDA))
          .isInstanceOf(OnnxModelException.class)
          .hasMessageContaining(
              "execution provider 'cuda' cannot be used: this ONNX Runtime build has no CUDA provider")
          .hasMessageContaining("-Dcuda");
    }
    ExecutionProviders.Opened auto = ExecutionProviders.open(file, ProviderChoice.AUTO);
    try {
      if (!ExecutionProviders.cudaBuiltIn()) {
        assertThat(auto.provider()).isEqualTo("cpu");
        assertThat(auto.note())
            .startsWith(
                "CPU execution provider; auto: this ONNX Runtime build has no CUDA provider")
            .doesNotContain("(", ")");
      }
    } finally {
      auto.session().close();
    }
    assertThatThrownBy(() -> ProviderChoice.parse("tpu"))
        .hasMessage("execution provider 'tpu' is not allowed; one of: auto, cpu, cuda");
  }

  @Test
  void imagesAreResizedScaledAndFedToImageModels() throws Exception {
    // a 1x4x4 "image model": output = input flattened
    TensorSpec in = new TensorSpec("input", "float", new long[] {-1, 1, 4, 4}, null);
    ModelSignature sig =
        new ModelSignature(List.of(in), List.of(), 8, Map.of("", 13L), "", Map.of());
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        img.setRGB(x, y, x < 4 ? 0xFFFFFF : 0x000000);
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    assertThat(ImageTensors.looksLikeImage(png.toByteArray())).isTrue();
    TensorData t = ImageTensors.fromImage(png.toByteArray(), in, sig);
    assertThat(t.shape()).containsExactly(1, 1, 4, 4);
    float[] v = t.toFloats();
    assertThat(v[0]).isCloseTo(1f, Offset.offset(0.02f));
    assertThat(v[3]).isCloseTo(0f, Offset.offset(0.02f));
    TensorSpec notImage = new TensorSpec("input", "float", new long[] {-1, 2}, null);
    assertThatThrownBy(() -> ImageTensors.fromImage(png.toByteArray(), notImage, sig))
        .hasMessageContaining("which is not an image input");
    assertThatThrownBy(() -> ImageTensors.fromImage(new byte[] {1, 2, 3}, in, sig))
        .hasMessageContaining("the image cannot be decoded");
  }
}
