package dev.cairn.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the assembled distribution's {@code cairn} command in a child JVM, as tools/cairn does. */
final class CairnProcess {
  static final Path HOME =
      Path.of(System.getProperty("cairn.home", "platform/dist/target/cairn"))
          .toAbsolutePath()
          .normalize();
  static final Path REPO =
      Path.of(System.getProperty("cairn.repo", ".")).toAbsolutePath().normalize();

  private CairnProcess() {}

  /** Result of a finished command. */
  record Result(int exitCode, String stdout, String stderr) {}

  /**
   * Builds the child process: {@code java -cp <home>/lib/* CairnCli <args>} in the repo root.
   *
   * <p>No test may write into the working tree: without {@code dataDir} the child still gets a
   * fresh temporary data dir (CAIRN_DATA_DIR) instead of the default {@code ./cairn-data}, and an
   * {@code export} must name its {@code --out} file instead of the default {@code onnx-models/}.
   */
  static ProcessBuilder builder(Path dataDir, String... args) {
    List<String> given = List.of(args);
    boolean help = given.contains("--help") || given.contains("-h");
    if (given.contains("export") && !given.contains("--out") && !help) {
      throw new IllegalArgumentException(
          "cairn export in a test needs --out in a temporary folder;"
              + " its default, onnx-models/, is in the working tree");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Dcairn.home=" + HOME);
    cmd.add("-cp");
    cmd.add(HOME.resolve("lib") + "/*");
    cmd.add("dev.cairn.server.cli.CairnCli");
    cmd.addAll(List.of(args));
    if (dataDir != null) {
      cmd.add("--data-dir");
      cmd.add(dataDir.toString());
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(REPO.toFile());
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    pb.environment().put("CAIRN_OFFLINE", "true");
    if (dataDir == null) {
      try {
        pb.environment().put("CAIRN_DATA_DIR", Files.createTempDirectory("cairn-data").toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return pb;
  }

  /** Runs to completion (at most {@code timeoutMinutes}) and captures both streams. */
  static Result run(Path dataDir, long timeoutMinutes, String... args)
      throws IOException, InterruptedException {
    return run(builder(dataDir, args), timeoutMinutes);
  }

  /** {@link #run(Path, long, String...)} with extra environment variables. */
  static Result run(Map<String, String> env, Path dataDir, long timeoutMinutes, String... args)
      throws IOException, InterruptedException {
    ProcessBuilder builder = builder(dataDir, args);
    builder.environment().putAll(env);
    return run(builder, timeoutMinutes);
  }

  /**
   * Runs a prepared {@link #builder} (e.g. with its environment changed) like {@link #run(Path,
   * long, String...)}.
   */
  static Result run(ProcessBuilder builder, long timeoutMinutes)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("cairn-out", ".txt");
    Path err = Files.createTempFile("cairn-err", ".txt");
    try {
      Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError(
            String.join(" ", builder.command())
                + " did not finish in "
                + timeoutMinutes
                + " min; stderr:\n"
                + Files.readString(err));
      }
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static final Pattern SERVING = Pattern.compile("serving (http://[^/]+)/api/runs");

  /**
   * A running {@code cairn serve}: the process, the base URL it announced and every line it printed
   * (both streams, kept drained so the child never blocks on a full pipe).
   */
  record Server(Process process, String base, List<String> log) {
    /** Stops the server (SIGTERM, then SIGKILL after 20 s). */
    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** Starts {@code cairn serve --port 0 [extra...]} on {@code dataDir} and waits for its URL. */
  static Server serve(Path dataDir, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("serve", "--port", "0"));
    args.addAll(List.of(extra));
    Process p = builder(dataDir, args.toArray(String[]::new)).redirectErrorStream(true).start();
    p.getOutputStream().close();
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String base = null;
    String line;
    while ((line = out.readLine()) != null) {
      log.add(line);
      Matcher m = SERVING.matcher(line);
      if (m.find()) {
        base = m.group(1);
        break;
      }
    }
    if (base == null) {
      p.destroyForcibly();
      throw new AssertionError(
          "cairn serve exited before announcing its URL:\n" + String.join("\n", log));
    }
    Thread drain = new Thread(() -> out.lines().forEach(log::add), "cairn-serve-output");
    drain.setDaemon(true);
    drain.start();
    return new Server(p, base, log);
  }
}
