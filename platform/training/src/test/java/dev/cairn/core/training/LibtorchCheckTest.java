package dev.cairn.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibtorchCheckTest {
  @TempDir Path dir;

  private Path pipTorch(String version) throws Exception {
    Path torch = Files.createDirectories(dir.resolve("site-packages/torch/lib"));
    Files.writeString(
        torch.getParent().resolve("version.py"),
        "from typing import Optional\n__version__ = '"
            + version
            + "'\ndebug = False\ncuda: Optional[str] = '13.0'\n");
    return torch;
  }

  @Test
  void newerPipTorchIsRefusedWithWhatToInstall() throws Exception {
    Path lib = pipTorch("2.11.0+cu130");
    assertThatThrownBy(
            () ->
                LibtorchCheck.check(Map.of("PYTORCH_LIBRARY_PATH", lib.toString()), "2.7.1-0.35.1"))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("PyTorch 2.11.0+cu130")
        .hasMessageContaining("pytorch-jni 2.7.1")
        .hasMessageContaining("libtorch 2.7.1")
        .hasMessageContaining("docs/gpu.md");
  }

  @Test
  void matchingLibtorchZipPasses() throws Exception {
    Path lib = Files.createDirectories(dir.resolve("libtorch/lib"));
    Files.writeString(lib.getParent().resolve("build-version"), "2.7.1+cu128\n");
    assertThat(LibtorchCheck.versionOf(lib)).contains("2.7.1+cu128");
    assertThatCode(
            () -> LibtorchCheck.check(Map.of("PYTORCH_LIBRARY_PATH", lib.toString()), "2.7.1"))
        .doesNotThrowAnyException();
  }

  @Test
  void olderLibtorchZipIsRefused() throws Exception {
    Path lib = Files.createDirectories(dir.resolve("libtorch/lib"));
    Files.writeString(lib.getParent().resolve("build-version"), "2.5.1+cu124");
    assertThatThrownBy(
            () -> LibtorchCheck.check(Map.of("PYTORCH_LIBRARY_PATH", lib.toString()), "2.7.1"))
        .hasMessageContaining("PyTorch 2.5.1+cu124");
  }

  @Test
  void noExternalLibtorchOrUnknownVersionIsLeftToDjl() throws Exception {
    assertThatCode(() -> LibtorchCheck.check(Map.of(), "2.7.1")).doesNotThrowAnyException();
    Path bare = Files.createDirectories(dir.resolve("somewhere/lib"));
    assertThat(LibtorchCheck.versionOf(bare)).isEmpty();
    assertThatCode(
            () -> LibtorchCheck.check(Map.of("PYTORCH_LIBRARY_PATH", bare.toString()), "2.7.1"))
        .doesNotThrowAnyException();
  }

  @Test
  void readsTheJniVersionFromThePytorchJniJar() {
    assertThat(LibtorchCheck.jniVersion())
        .hasValueSatisfying(v -> assertThat(v).startsWith("2.7.1-"));
  }

  @Test
  void majorMinorIgnoresPatchAndLocalVersion() {
    assertThat(LibtorchCheck.majorMinor("2.7.1+cu128")).isEqualTo("2.7");
    assertThat(LibtorchCheck.majorMinor("2.11.0")).isEqualTo("2.11");
    assertThat(LibtorchCheck.majorMinor("2.7.1")).isEqualTo("2.7");
  }

  @Test
  void zen5IsTheCpuWhoseOneDnnKernelsAreCapped() {
    String zen5 = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\n";
    String zen4 = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\n";
    String intel = "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\n";
    assertThat(LibtorchCheck.oneDnnUnsafe(zen5)).isTrue();
    assertThat(LibtorchCheck.oneDnnUnsafe(zen4)).isFalse();
    assertThat(LibtorchCheck.oneDnnUnsafe(intel)).isFalse();
    assertThat(LibtorchCheck.oneDnnUnsafe("")).isFalse();
  }
}
