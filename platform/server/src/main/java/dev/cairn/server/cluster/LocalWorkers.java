package dev.cairn.server.cluster;

import dev.cairn.server.CairnOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Training JVMs that {@code cairn sweep} starts on this machine for {@code parallel > 1}: DJL's
 * PyTorch engine trains one model at a time per JVM, so parallel trials need processes. Each is a
 * {@code cairn worker} joined to this process over the clustered event bus on 127.0.0.1, started
 * with this JVM's class path, and ends with this process (it watches its parent's pid).
 */
public final class LocalWorkers implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();

  private LocalWorkers() {}

  /** A free TCP port on 127.0.0.1 for the head's cluster member. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Starts {@code count} workers that join {@code 127.0.0.1:headPort} with {@code secret} (passed
   * in their environment, not their arguments); their logs go to {@code logDir}. Each trains with
   * {@code threads} libtorch intra-op threads and OpenMP's passive wait policy (set in its
   * environment, which OpenMP reads when libtorch loads).
   */
  public static LocalWorkers start(
      int count, int headPort, String secret, CairnOptions options, Path logDir, int threads)
      throws IOException {
    Files.createDirectories(logDir);
    LocalWorkers workers = new LocalWorkers();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (int i = 1; i <= count; i++) {
      List<String> cmd = new ArrayList<>(List.of(java));
      if (System.getProperty("cairn.home") != null) {
        cmd.add("-Dcairn.home=" + System.getProperty("cairn.home"));
      }
      cmd.addAll(
          List.of(
              "-cp",
              System.getProperty("java.class.path"),
              "dev.cairn.server.cli.CairnCli",
              "worker",
              "--cluster",
              "--join",
              "127.0.0.1:" + headPort,
              "--cluster-port",
              Integer.toString(headPort + 1),
              "--data-dir",
              options.dataDir().toString(),
              "--parent-pid",
              Long.toString(ProcessHandle.current().pid()),
              "--threads",
              Integer.toString(threads)));
      if (options.pluginsDir() != null) {
        cmd.addAll(List.of("--plugins-dir", options.pluginsDir().toString()));
      }
      if (options.jdbcUrl() != null) {
        cmd.addAll(List.of("--jdbc-url", options.jdbcUrl()));
      }
      if (options.offline()) {
        cmd.add("--offline");
      }
      Path log = logDir.resolve("local-worker-" + i + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put(ClusterSecret.ENV, secret);
      pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
      workers.processes.add(pb.start());
    }
    return workers;
  }

  @Override
  public void close() {
    processes.forEach(Process::destroy);
    for (Process p : processes) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
