package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's {@code system/*} sample: the JVM's and /proc's figures, GPUs only where nvidia-smi
 * answers.
 */
class SystemSamplerTest {
  @TempDir Path dir;

  @Test
  void withoutNvidiaSmiThereAreNoGpuSeriesAtAll() {
    SystemSampler sampler = new SystemSampler(null);
    Map<String, Double> first = sampler.sample();
    assertThat(first)
        .containsKeys("system/heap_used_mb", "system/heap_committed_mb")
        .doesNotContainKey("system/cpu_percent");
    burnCpu();
    Map<String, Double> second = sampler.sample();
    assertThat(second.get("system/cpu_percent")).isPositive();
    assertThat(second.get("system/heap_used_mb")).isPositive();
    if (Files.isReadable(Path.of("/proc/self/status"))) {
      assertThat(second.get("system/rss_mb"))
          .isGreaterThan(second.get("system/heap_used_mb") / 100);
    }
    assertThat(second.keySet()).noneMatch(k -> k.startsWith("system/gpu"));
  }

  @Test
  void readsEachGpuFromARealNvidiaSmiProcessAndLeavesOutWhatItCannotMeasure() throws Exception {
    Path smi = dir.resolve("nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\nprintf '0, 37, 1024\\n1, [N/A], 2048\\n'\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwx------"));
    Map<String, Double> sample = new SystemSampler(smi).sample();
    assertThat(sample)
        .containsEntry("system/gpu0_util_percent", 37.0)
        .containsEntry("system/gpu0_memory_used_mb", 1024.0)
        .containsEntry("system/gpu1_memory_used_mb", 2048.0)
        .doesNotContainKey("system/gpu1_util_percent");
  }

  @Test
  void aFailingNvidiaSmiIsAskedOnceThenLeftAlone() throws Exception {
    Path smi = dir.resolve("nvidia-smi");
    Path calls = dir.resolve("calls");
    Files.writeString(
        smi, "#!/bin/sh\necho x >> '" + calls + "'\necho 'NVIDIA-SMI has failed' ; exit 9\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwx------"));
    SystemSampler sampler = new SystemSampler(smi);
    assertThat(sampler.sample().keySet()).noneMatch(k -> k.startsWith("system/gpu"));
    assertThat(sampler.sample().keySet()).noneMatch(k -> k.startsWith("system/gpu"));
    assertThat(Files.readAllLines(calls)).hasSize(1);
  }

  @Test
  void parsesOnlyRowsThatStartWithAnIndex() {
    Map<String, Double> out = new LinkedHashMap<>();
    SystemSampler.parseNvidiaSmi("No devices were found\n2, 5, 10\n", out);
    assertThat(out).containsOnlyKeys("system/gpu2_util_percent", "system/gpu2_memory_used_mb");
  }

  @Test
  void theIntervalIsAtLeastOneSecond() {
    assertThatThrownBy(() -> CairnClient.builder().optSystemMetrics(Duration.ofMillis(10)))
        .hasMessageContaining("at least 1 s");
  }

  private static void burnCpu() {
    long end = System.nanoTime() + 50_000_000L;
    double x = 0;
    while (System.nanoTime() < end) {
      x += Math.sqrt(x + 1);
    }
    assertThat(x).isPositive();
  }
}
