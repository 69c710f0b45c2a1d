package dev.cairn.client;

import com.sun.management.OperatingSystemMXBean;
import java.io.File;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code system/*} values Cairn's own trainer logs, for the client's process: CPU percent of
 * one core since the previous sample, resident memory ({@code /proc/self/status}; absent without
 * /proc), JVM heap used and committed, JVM direct buffers, and per GPU utilisation and memory used
 * from {@code nvidia-smi} when it is on the PATH (absent, not zero, without it). JDK MXBeans and
 * /proc only. One sampling thread uses it.
 */
final class SystemSampler {
  private static final double MB = 1024.0 * 1024.0;
  private final OperatingSystemMXBean os;
  private final Path nvidiaSmi;
  private boolean gpuBroken;
  private long lastCpu = -1;
  private long lastWall;

  SystemSampler(Path nvidiaSmi) {
    var bean = ManagementFactory.getOperatingSystemMXBean();
    this.os = bean instanceof OperatingSystemMXBean s ? s : null;
    this.nvidiaSmi = nvidiaSmi;
  }

  static SystemSampler create() {
    return new SystemSampler(onPath("nvidia-smi"));
  }

  Map<String, Double> sample() {
    Map<String, Double> out = new LinkedHashMap<>();
    long wall = System.nanoTime();
    long cpu = os == null ? -1 : os.getProcessCpuTime();
    if (cpu >= 0 && lastCpu >= 0 && wall > lastWall) {
      out.put("system/cpu_percent", 100.0 * (cpu - lastCpu) / (wall - lastWall));
    }
    lastCpu = cpu;
    lastWall = wall;
    Double rss = rssMb();
    if (rss != null) {
      out.put("system/rss_mb", rss);
    }
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    out.put("system/heap_used_mb", heap.getUsed() / MB);
    out.put("system/heap_committed_mb", heap.getCommitted() / MB);
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if ("direct".equals(pool.getName())) {
        out.put("system/direct_mb", pool.getMemoryUsed() / MB);
      }
    }
    if (nvidiaSmi != null && !gpuBroken) {
      gpus(out);
    }
    return out;
  }

  private static Double rssMb() {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return null;
    }
    try {
      for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  private void gpus(Map<String, Double> out) {
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
        gpuBroken = true; // a driver that does not answer is not asked again
        return;
      }
      parseNvidiaSmi(text, out);
    } catch (IOException e) {
      gpuBroken = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Rows of {@code index, utilization.gpu, memory.used}; a field nvidia-smi reports as [N/A] is
   * left out.
   */
  static void parseNvidiaSmi(String text, Map<String, Double> out) {
    for (String line : text.split("\n")) {
      String[] f = line.split(",");
      if (f.length < 3 || !f[0].trim().matches("\\d+")) {
        continue;
      }
      String gpu = "system/gpu" + f[0].trim();
      putNumber(out, gpu + "_util_percent", f[1]);
      putNumber(out, gpu + "_memory_used_mb", f[2]);
    }
  }

  private static void putNumber(Map<String, Double> out, String tag, String field) {
    try {
      out.put(tag, Double.parseDouble(field.trim()));
    } catch (NumberFormatException e) {
      // [N/A]: absent, not zero
    }
  }

  static Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p) && !Files.isDirectory(p)) {
          return p;
        }
      }
    }
    return null;
  }
}
