package dev.cairn.core.tensorboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The independent event-file writer/reader {@code tensorboard/tb_events.py}, run with Debian's
 * /usr/bin/python3 and its python3-protobuf and python3-crc32c (CI installs them; the tests that
 * need it are skipped where they are missing).
 */
final class TbPython {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  private TbPython() {}

  private record Result(int exit, String out) {}

  static boolean available() {
    try {
      return Files.isExecutable(PYTHON)
          && run(List.of("-c", "import google.protobuf, crc32c")).exit() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs {@code tb_events.py MODE DIR} and returns its JSON output. */
  static JsonNode script(Path workDir, String mode, Path dir) throws IOException {
    Path script = workDir.resolve("tb_events.py");
    if (!Files.exists(script)) {
      try (InputStream in = TbPython.class.getResourceAsStream("/tensorboard/tb_events.py")) {
        Files.copy(in, script);
      }
    }
    Result r = run(List.of(script.toString(), mode, dir.toString()));
    if (r.exit() != 0) {
      throw new IOException("tb_events.py " + mode + " failed: " + r.out());
    }
    return new ObjectMapper().readTree(r.out());
  }

  private static Result run(List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(PYTHON.toString()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("python did not finish: " + cmd);
      }
      return new Result(p.exitValue(), out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
