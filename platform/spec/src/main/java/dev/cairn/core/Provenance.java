package dev.cairn.core;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** How a run was made: versions, platform, source revision. Stored with every run. */
public final class Provenance {
  private static final String VERSION = loadVersion();

  private Provenance() {}

  /** Cairn's own version. */
  public static String cairnVersion() {
    return VERSION;
  }

  /**
   * Versions of Cairn, DJL, the engine, Java and the OS, the plugins used, and the git commit of
   * {@code workDir} when it is inside a git repository. This loads the PyTorch engine: callers set
   * libtorch's thread defaults first ({@code TorchThreads.configureDefaults()} in training).
   */
  public static Map<String, String> collect(Path workDir, Map<String, String> plugins) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("cairn.version", VERSION);
    out.put("djl.version", Engine.getDjlVersion());
    Engine engine = Engine.getEngine("PyTorch");
    out.put("engine", engine.getEngineName());
    out.put("engine.version", engine.getVersion());
    out.put("java.version", System.getProperty("java.version"));
    out.put("java.vendor", System.getProperty("java.vendor"));
    out.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    out.put("gpus", Integer.toString(engine.getGpuCount()));
    plugins.forEach((id, version) -> out.put("plugin." + id, version));
    gitCommit(workDir).ifPresent(c -> out.put("git.commit", c));
    return out;
  }

  /** SHA-256 of a text, lower-case hex. */
  public static String sha256(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Optional<String> gitCommit(Path dir) {
    if (dir == null) {
      return Optional.empty();
    }
    try {
      Process p =
          new ProcessBuilder("git", "rev-parse", "HEAD")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readNBytes(200);
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      String s = new String(out, StandardCharsets.UTF_8).trim();
      return p.exitValue() == 0 && s.matches("[0-9a-f]{40}") ? Optional.of(s) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static String loadVersion() {
    try (InputStream in = Provenance.class.getResourceAsStream("cairn-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
