package dev.cairn.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The course's models export to ONNX and match DJL: the plugin's own converters (residual block,
 * hard sigmoid, PReLU, the RNN's last step) and input normalisation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CourseExportTest {
  @TempDir static Path dataDir;
  private TrainedRuns runs;
  private Path images;

  @BeforeAll
  void open() throws Exception {
    runs = new TrainedRuns(dataDir);
    images = dataDir.resolve("images");
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < 4; i++) {
        BufferedImage img = new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(new Color(60 * c + i, 200 - 50 * c, 30 * i));
        g.fillRect(0, 0, 12, 12);
        g.setColor(Color.WHITE);
        g.fillRect(c * 3, i * 2, 4, 3);
        g.dispose();
        Files.createDirectories(images.resolve("class" + c));
        ImageIO.write(img, "png", images.resolve("class" + c + "/" + i + ".png").toFile());
      }
    }
  }

  @AfterAll
  void close() {
    runs.close();
  }

  private String imageSpec(String model, String options) {
    return """
        name: course-export
        experiment: onnx-tests
        seed: 3
        device: cpu
        epochs: 2
        dataset: {plugin: image-folder, folder: %s, size: 12, batchSize: 4 %s}
        model: %s
        optimizer: {plugin: adam, lr: 0.01}
        loss: softmax-cross-entropy
        """
        .formatted(images, options, model);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "{plugin: resnet, blocks: [1, 1], channels: [4, 8]}",
        "{plugin: resnet, blocks: [1, 1], channels: [8, 8], bottleneck: true}",
        "{plugin: resnet, blocks: [1, 1], channels: [4, 8], residual: false}",
        "{plugin: lenet, activation: hard-sigmoid}",
        "{plugin: cnn, blocks: 2, channels: 4, hidden: 8, activation: prelu}",
        "{plugin: cifar-quick, hidden: 8}",
        "{plugin: nin, width: 0.05}",
        "{plugin: alexnet, width: 0.05, hidden: 16}",
        "{plugin: vgg, convs: [1, 2], channels: [4, 8], hidden: 16}"
      })
  void imageModelsExport(String model) throws Exception {
    boolean small = model.contains("resnet") || model.contains("cnn") || model.contains("vgg");
    String options = small ? "" : ", resize: 28";
    String runId = runs.train(imageSpec(model, options));
    ExportResult export = runs.models.exportRun(runId);
    assertThat(export.verification().maxAbsDiff()).isLessThanOrEqualTo(1e-4);
  }

  @Test
  void normalisationIsPartOfTheExportedModel() throws Exception {
    String runId =
        runs.train(
            imageSpec("{plugin: cnn, blocks: 1, channels: 4, hidden: 8}", ", normalize: true"));
    ExportResult export = runs.models.exportRun(runId);
    assertThat(export.verification().maxAbsDiff()).isLessThanOrEqualTo(1e-4);
    var ops =
        OnnxMl.ModelProto.parseFrom(Files.readAllBytes(export.artifact().file()))
            .getGraph()
            .getNodeList()
            .stream()
            .map(OnnxMl.NodeProto::getOpType)
            .toList();
    assertThat(ops.subList(0, 2)).containsExactly("Sub", "Div");
  }

  @Test
  void mlpWithPreluAndHardSigmoidExports() throws Exception {
    for (String activation : List.of("prelu", "hard-sigmoid")) {
      String runId =
          runs.train(
              TrainedRuns.xorSpec("{plugin: mlp, hidden: [8], activation: " + activation + "}"));
      assertThat(runs.models.exportRun(runId).verification().maxAbsDiff())
          .as(activation)
          .isLessThanOrEqualTo(1e-4);
    }
  }

  @Test
  void recurrentModelsExport() throws Exception {
    for (String cell : List.of("rnn", "gru", "lstm")) {
      String runId =
          runs.train(
              """
          name: seq-export
          experiment: onnx-tests
          device: cpu
          epochs: 1
          dataset: {plugin: sequence, length: 60, steps: 6, batchSize: 8}
          model: {plugin: rnn, cell: %s, hidden: 5, layers: 2}
          optimizer: {plugin: adam, lr: 0.01}
          loss: l2
          """
                  .formatted(cell));
      assertThat(runs.models.exportRun(runId).verification().maxAbsDiff())
          .as(cell)
          .isLessThanOrEqualTo(1e-4);
    }
  }

  @Test
  void sumOfSigmoidsExports() throws Exception {
    String runId =
        runs.train(
            """
        name: curve-export
        experiment: onnx-tests
        device: cpu
        epochs: 1
        dataset: {plugin: piecewise-curve, n: 40, batchSize: 8}
        model: {plugin: sum-of-sigmoids, units: 5}
        optimizer: {plugin: adam, lr: 0.01}
        loss: huber
        """);
    assertThat(runs.models.exportRun(runId).verification().maxAbsDiff()).isLessThanOrEqualTo(1e-4);
  }
}
