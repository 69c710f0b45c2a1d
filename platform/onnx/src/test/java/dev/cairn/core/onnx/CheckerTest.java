package dev.cairn.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debian's {@code onnx.checker.check_model(full_check=True)} accepts what the converters write. */
class CheckerTest {
  @TempDir Path dir;

  @Test
  void checkerAcceptsEveryConverterOutput() throws Exception {
    assumeTrue(
        PythonTools.canImport("onnx"), "/usr/bin/python3 with python3-onnx is not installed");
    List<Supplier<Block>> activations =
        List.of(
            Activation::reluBlock,
            Activation::sigmoidBlock,
            Activation::tanhBlock,
            () -> Activation.leakyReluBlock(0.01f),
            () -> Activation.eluBlock(1f),
            Activation::geluBlock,
            () -> Activation.swishBlock(1f),
            Activation::softPlusBlock,
            Activation::softSignBlock,
            Activation::relu6Block,
            Activation::seluBlock,
            Activation::mishBlock);
    List<Path> files = new ArrayList<>();
    try (ExportFixture fixture = new ExportFixture()) {
      int i = 0;
      for (Supplier<Block> activation : activations) {
        Block mlp =
            new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(8).build())
                .add(BatchNorm.builder().build())
                .add(activation.get())
                .add(Dropout.builder().optRate(0.5f).build())
                .add(Linear.builder().setUnits(3).build());
        files.add(write(fixture, mlp, new Shape(8, 1, 4, 4), "mlp-" + i++));
      }
      Block cnn =
          new SequentialBlock()
              .add(
                  Conv2d.builder()
                      .setKernelShape(new Shape(3, 3))
                      .setFilters(4)
                      .optPadding(new Shape(1, 1))
                      .build())
              .add(BatchNorm.builder().build())
              .add(Activation.reluBlock())
              .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
              .add(
                  Pool.avgPool2dBlock(
                      new Shape(2, 2), new Shape(1, 1), new Shape(1, 1), true, true))
              .add(Pool.globalAvgPool2dBlock())
              .add(Linear.builder().setUnits(10).build());
      files.add(write(fixture, cnn, new Shape(8, 1, 12, 12), "cnn"));
    }
    List<String> verdicts = PythonTools.check(files);
    assertThat(verdicts)
        .hasSize(files.size())
        .allMatch(v -> v.startsWith("OK "), "every file passes the checker");
  }

  private Path write(ExportFixture fixture, Block block, Shape input, String name)
      throws Exception {
    fixture.init(block, input, 5);
    Path file = dir.resolve(name + ".onnx");
    Files.write(file, fixture.export(block, input).bytes());
    return file;
  }
}
