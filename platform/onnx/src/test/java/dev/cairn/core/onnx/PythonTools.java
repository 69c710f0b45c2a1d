package dev.cairn.core.onnx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's python3-onnx and python3-torch, run with /usr/bin/python3 (the python3 on PATH may be
 * another one). Tests that need them are skipped where they are not installed; CI installs them.
 */
final class PythonTools {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  private PythonTools() {}

  /** True when /usr/bin/python3 can import every module named. */
  static boolean canImport(String... modules) {
    if (!Files.isExecutable(PYTHON)) {
      return false;
    }
    try {
      return run(List.of("-c", "import " + String.join(", ", modules)), 120).exitCode() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  record Result(int exitCode, String output) {}

  static Result run(List<String> args, long timeoutSeconds) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(PYTHON.toString());
    cmd.addAll(args);
    Path out = Files.createTempFile("cairn-python", ".txt");
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      p.getOutputStream().close();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new IOException("python did not finish in " + timeoutSeconds + " s: " + cmd);
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /**
   * Runs {@code onnx.checker.check_model(model, full_check=True)} on each file; returns one line
   * per file: {@code OK <path>} or {@code FAIL <path>: <reason>}.
   */
  static List<String> check(List<Path> files) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-c",
                String.join(
                    "\n",
                    "import sys, onnx",
                    "for path in sys.argv[1:]:",
                    "    try:",
                    "        onnx.checker.check_model(onnx.load(path), full_check=True)",
                    "        print('OK', path)",
                    "    except Exception as e:",
                    "        print('FAIL', path + ':', str(e).replace('\\n', ' '))")));
    files.forEach(f -> args.add(f.toString()));
    Result r = run(args, 300);
    if (r.exitCode() != 0) {
      throw new IOException("the checker script failed: " + r.output());
    }
    return r.output().lines().filter(l -> l.startsWith("OK ") || l.startsWith("FAIL ")).toList();
  }
}
