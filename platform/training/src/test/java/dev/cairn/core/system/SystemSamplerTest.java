package dev.cairn.core.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemSamplerTest {
  @TempDir Path tmp;

  @Test
  void aSampleHoldsMemoryAndNoGpuWithoutNvidiaSmi() {
    SystemSampler sampler = new SystemSampler((Path) null);
    Map<String, Double> first = sampler.sample();
    assertThat(first)
        .doesNotContainKey("system/cpu_percent")
        .containsKeys("system/heap_used_mb", "system/direct_mb");
    byte[][] work = new byte[64][];
    for (int i = 0; i < work.length; i++) {
      work[i] = new byte[1 << 16];
    }
    Map<String, Double> second = sampler.sample();
    assertThat(second).containsKey("system/cpu_percent");
    if (Files.isReadable(Path.of("/proc/self/status"))) {
      assertThat(second.get("system/rss_mb"))
          .isGreaterThan(second.get("system/heap_used_mb") / 100);
    }
    assertThat(second.keySet()).noneMatch(k -> k.startsWith("system/gpu"));
    assertThat(work[63]).hasSize(1 << 16);
  }

  @Test
  void nvidiaSmiRowsBecomePerDeviceSeriesAndNotApplicableIsLeftOut() {
    Map<String, Double> out = new LinkedHashMap<>();
    SystemSampler.parseNvidiaSmi("0, 87, 10240\n1, [N/A], 512\ngarbage line\n", out);
    assertThat(out)
        .containsExactly(
            Map.entry("system/gpu0_util_percent", 87.0),
            Map.entry("system/gpu0_memory_used_mb", 10240.0),
            Map.entry("system/gpu1_memory_used_mb", 512.0));
  }

  @Test
  void aFakeNvidiaSmiIsAskedAndAFailingOneIsDroppedNotZeroed() throws Exception {
    Path ok = tmp.resolve("nvidia-smi");
    Files.writeString(ok, "#!/bin/sh\necho '0, 55, 300'\n");
    ok.toFile().setExecutable(true);
    assertThat(new SystemSampler(ok).sample()).containsEntry("system/gpu0_util_percent", 55.0);
    Path broken = tmp.resolve("broken-smi");
    Files.writeString(broken, "#!/bin/sh\necho 'NVIDIA-SMI has failed' >&2\nexit 9\n");
    broken.toFile().setExecutable(true);
    assertThat(new SystemSampler(broken).sample().keySet())
        .noneMatch(k -> k.startsWith("system/gpu"));
  }

  @Test
  void closeStopsTheScheduleAndTakesALastSample() {
    List<Long> steps = new ArrayList<>();
    SystemMetrics metrics =
        SystemMetrics.start(
            new SystemSampler((Path) null),
            3600,
            (step, wall, values) -> {
              synchronized (steps) {
                steps.add(step);
              }
              assertThat(values).containsKey("system/heap_used_mb");
            });
    metrics.close();
    assertThat(steps).containsExactly(0L);
  }
}
