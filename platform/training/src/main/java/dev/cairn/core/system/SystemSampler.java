package dev.cairn.core.system;

import com.sun.management.OperatingSystemMXBean;
import java.io.File;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One sample of the process's system metrics, as {@code system/*} tags:
 *
 * <ul>
 *   <li>{@code system/cpu_percent}: process CPU time over wall time since the previous sample, in
 *       percent of one core (400 = four busy cores), as {@code top} shows it;
 *   <li>{@code system/rss_mb}: resident memory from {@code /proc/self/status} (VmRSS), which
 *       includes native allocations such as libtorch's; absent where there is no /proc;
 *   <li>{@code system/heap_used_mb}, {@code system/heap_committed_mb}: the JVM heap;
 *   <li>{@code system/direct_mb}: JVM direct buffers (the NIO native memory the JVM accounts for);
 *   <li>{@code system/gpuN_util_percent}, {@code system/gpuN_memory_used_mb}: per GPU, from {@code
 *       nvidia-smi --query-gpu=index,utilization.gpu,memory.used --format=csv,noheader,nounits}
 *       when that binary is on the PATH; absent (not zero) without one.
 * </ul>
 *
 * <p>Not thread-safe: one sampler per sampling thread.
 */
public final class SystemSampler {
  private static final double MB = 1024.0 * 1024.0;
  private final OperatingSystemMXBean os;
  private final Path nvidiaSmi;
  private boolean gpuFailed;
  private long lastCpuNanos = -1;
  private long lastWallNanos;

  public SystemSampler() {
    this(findOnPath("nvidia-smi"));
  }

  /** With an explicit {@code nvidia-smi} (null: no GPU metrics). */
  public SystemSampler(Path nvidiaSmi) {
    var bean = ManagementFactory.getOperatingSystemMXBean();
    this.os = bean instanceof OperatingSystemMXBean sun ? sun : null;
    this.nvidiaSmi = nvidiaSmi;
  }

  /** The metrics now. The first call has no CPU figure (it needs two readings). */
  public Map<String, Double> sample() {
    Map<String, Double> out = new LinkedHashMap<>();
    long wall = System.nanoTime();
    long cpu = os == null ? -1 : os.getProcessCpuTime();
    if (cpu >= 0 && lastCpuNanos >= 0 && wall > lastWallNanos) {
      out.put("system/cpu_percent", 100.0 * (cpu - lastCpuNanos) / (wall - lastWallNanos));
    }
    lastCpuNanos = cpu;
    lastWallNanos = wall;
    Double rss = residentMb();
    if (rss != null) {
      out.put("system/rss_mb", rss);
    }
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    out.put("system/heap_used_mb", heap.getUsed() / MB);
    out.put("system/heap_committed_mb", heap.getCommitted() / MB);
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        out.put("system/direct_mb", pool.getMemoryUsed() / MB);
      }
    }
    if (nvidiaSmi != null && !gpuFailed) {
      gpu(out);
    }
    return out;
  }

  static Double residentMb() {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return null;
    }
    try {
      for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) / 1024.0; // kB
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  private void gpu(Map<String, Double> out) {
    try {
      Process p =
          new ProcessBuilder(
                  nvidiaSmi.toString(),
                  "--query-gpu=index,utilization.gpu,memory.used",
                  "--format=csv,noheader,nounits")
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().close();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        gpuFailed = true; // a driver that does not answer is not asked every few seconds
        return;
      }
      parseNvidiaSmi(text, out);
    } catch (IOException e) {
      gpuFailed = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Adds the rows of {@code nvidia-smi --query-gpu=index,utilization.gpu,memory.used} output; skips
   * "[N/A]" fields.
   */
  static void parseNvidiaSmi(String text, Map<String, Double> out) {
    for (String line : text.lines().toList()) {
      List<String> f = List.of(line.split(",")).stream().map(String::trim).toList();
      if (f.size() < 3 || !f.get(0).matches("\\d+")) {
        continue;
      }
      String prefix = "system/gpu" + f.get(0);
      number(f.get(1)).ifPresent(v -> out.put(prefix + "_util_percent", v));
      number(f.get(2)).ifPresent(v -> out.put(prefix + "_memory_used_mb", v));
    }
  }

  private static Optional<Double> number(String s) {
    try {
      return Optional.of(Double.parseDouble(s));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static Path findOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return p;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "SystemSampler[gpu=%s]", nvidiaSmi);
  }
}
