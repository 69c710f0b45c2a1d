package dev.cairn.core.training;

import ai.djl.engine.EngineException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a libtorch from {@code PYTORCH_LIBRARY_PATH} whose version does not match DJL's JNI.
 *
 * <p>DJL's JNI library is compiled against one libtorch (2.7.1 for pytorch-jni 2.7.1-0.35.1). A
 * different libtorch often loads without complaint and then fails on the first tensor: with PyTorch
 * 2.10 and later, every {@code NDManager.create} throws "set_stride is not allowed on a Tensor
 * created from .data or .detach()". Checked once, before training, so the user reads what is wrong
 * and what to install instead of that message.
 */
public final class LibtorchCheck {
  private static final Pattern PY_VERSION =
      Pattern.compile("__version__\\s*=\\s*['\"]([^'\"]+)['\"]");
  private static final Pattern ZEN5 = Pattern.compile("(?m)^cpu family\\s*:\\s*26\\s*$");
  private static final Logger LOG = LoggerFactory.getLogger(LibtorchCheck.class);
  private static volatile boolean checked;

  private LibtorchCheck() {}

  /**
   * Checks the process environment once; later calls return at once. The JNI's version comes from
   * the pytorch-jni jar ({@code jnilib/pytorch.properties}), else from the engine.
   */
  public static void checkOnce(String engineVersion) {
    if (checked) {
      return;
    }
    check(System.getenv(), jniVersion().orElse(engineVersion));
    if (System.getenv("ONEDNN_MAX_CPU_ISA") == null && oneDnnUnsafe(cpuinfo())) {
      LOG.warn(
          "this CPU (AMD Zen 5) makes libtorch 2.7.1's oneDNN compute wrong convolutions and RNNs;"
              + " set ONEDNN_MAX_CPU_ISA=SSE41 before starting Java (tools/cairn does)");
    }
    checked = true;
  }

  /**
   * True on CPUs where libtorch 2.7.1's oneDNN AVX / AVX2 / AVX-512 kernels give wrong results
   * (direct convolutions whose input channels are not a multiple of 8, and with AVX-512 its LSTM;
   * NaN losses, outputs off by 0.3-6; docs/gpu.md): AMD family 26, Zen 5.
   */
  static boolean oneDnnUnsafe(String cpuinfo) {
    return cpuinfo.contains("AuthenticAMD") && ZEN5.matcher(cpuinfo).find();
  }

  private static String cpuinfo() {
    try {
      return Files.readString(Path.of("/proc/cpuinfo"));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  static Optional<String> jniVersion() {
    try (var in =
        LibtorchCheck.class.getClassLoader().getResourceAsStream("jnilib/pytorch.properties")) {
      if (in == null) {
        return Optional.empty();
      }
      var props = new Properties();
      props.load(in);
      return Optional.ofNullable(props.getProperty("jni_version"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Throws when {@code env} points DJL at a libtorch of another major.minor version than {@code
   * jniVersion}; does nothing when no external libtorch is used or its version is unknown.
   */
  public static void check(Map<String, String> env, String jniVersion) {
    String libPath = env.get("PYTORCH_LIBRARY_PATH");
    if (libPath == null || libPath.isBlank() || jniVersion == null) {
      return;
    }
    Optional<String> found = versionOf(Path.of(libPath));
    if (found.isEmpty()) {
      return;
    }
    String version = found.get();
    String wanted = jniVersion.split("-", 2)[0];
    if (!majorMinor(version).equals(majorMinor(jniVersion))) {
      throw new EngineException(
          "PYTORCH_LIBRARY_PATH="
              + libPath
              + " holds PyTorch "
              + version
              + ", but this build's DJL JNI (pytorch-jni "
              + jniVersion
              + ") needs libtorch "
              + majorMinor(wanted)
              + ".x: a different libtorch loads but fails on the first tensor."
              + " Point PYTORCH_LIBRARY_PATH at the lib folder of a libtorch "
              + wanted
              + " download (CUDA 12.8 build for PYTORCH_FLAVOR=cu128), or unset it to train on the"
              + " bundled CPU natives; see docs/gpu.md");
    }
  }

  /**
   * The libtorch version next to a {@code lib} folder: {@code build-version} of a libtorch zip, or
   * {@code version.py} of a pip-installed {@code torch}.
   */
  static Optional<String> versionOf(Path libDir) {
    Path root = libDir.toAbsolutePath().normalize().getParent();
    if (root == null) {
      return Optional.empty();
    }
    try {
      Path buildVersion = root.resolve("build-version");
      if (Files.isRegularFile(buildVersion)) {
        String v = Files.readString(buildVersion, StandardCharsets.UTF_8).trim();
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
      }
      Path versionPy = root.resolve("version.py");
      if (Files.isRegularFile(versionPy)) {
        Matcher m = PY_VERSION.matcher(Files.readString(versionPy, StandardCharsets.UTF_8));
        if (m.find()) {
          return Optional.of(m.group(1));
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  static String majorMinor(String version) {
    String[] parts = version.split("[.+]");
    return parts.length >= 2 ? parts[0] + "." + parts[1] : version;
  }
}
