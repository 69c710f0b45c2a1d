package dev.cairn.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Max and average pools over a grid of input sizes, kernels, strides, paddings, ceil mode and
 * countIncludePad: every export must match DJL. Average pooling in ceil mode is where PyTorch and
 * ONNX Runtime disagree about the divisor, which the converter corrects.
 */
class PoolGridTest {
  @TempDir Path dir;
  private final List<Path> files = new ArrayList<>();

  @Test
  void everyPoolSettingMatchesDjlAndPassesTheChecker() throws Exception {
    List<String> failures = new ArrayList<>();
    int exported = 0;
    try (ExportFixture fixture = new ExportFixture()) {
      for (Shape s : new Shape[] {new Shape(8, 2, 6, 6), new Shape(8, 2, 7, 5)}) {
        for (int k = 2; k <= 3; k++) {
          for (int stride = 1; stride <= 2; stride++) {
            for (int p = 0; p * 2 <= k; p++) {
              for (boolean ceil : new boolean[] {false, true}) {
                Shape kernel = new Shape(k, k);
                Shape strides = new Shape(stride, stride);
                Shape pad = new Shape(p, p);
                String at = s + " k" + k + " s" + stride + " p" + p + " ceil=" + ceil;
                exported +=
                    tryExport(
                        fixture,
                        Pool.maxPool2dBlock(kernel, strides, pad, ceil),
                        s,
                        "max " + at,
                        failures);
                for (boolean include : new boolean[] {false, true}) {
                  exported +=
                      tryExport(
                          fixture,
                          Pool.avgPool2dBlock(kernel, strides, pad, ceil, include),
                          s,
                          "avg " + at + " countIncludePad=" + include,
                          failures);
                }
              }
            }
          }
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(exported).isEqualTo(96);
    // declared output shapes agree with ONNX shape inference (ceil mode is written as floor mode)
    if (PythonTools.canImport("onnx")) {
      assertThat(PythonTools.check(files)).hasSize(96).allMatch(v -> v.startsWith("OK "));
    }
  }

  private int tryExport(
      ExportFixture fixture, Block block, Shape input, String what, List<String> failures) {
    try {
      fixture.init(block, input, 3);
      Path file = dir.resolve("pool-" + files.size() + ".onnx");
      Files.write(file, fixture.export(block, input).bytes());
      files.add(file);
    } catch (RuntimeException | IOException e) {
      failures.add(what + ": " + e.getMessage());
    }
    return 1;
  }
}
