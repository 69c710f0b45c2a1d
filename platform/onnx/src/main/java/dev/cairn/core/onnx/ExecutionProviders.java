package dev.cairn.core.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.cairn.core.onnx.OnnxModelException.Reason;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens ONNX Runtime sessions on the provider a {@link ProviderChoice} asks for. The CUDA provider
 * exists only in the {@code onnxruntime_gpu} artifact (Maven profile {@code cuda}) and loads only
 * where the NVIDIA driver and CUDA/cuDNN libraries are present; {@code auto} then falls back to the
 * CPU and says why, {@code cuda} fails with that reason.
 */
public final class ExecutionProviders {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutionProviders.class);
  private static final ConcurrentHashMap<String, AtomicBoolean> LOGGED = new ConcurrentHashMap<>();

  private ExecutionProviders() {}

  /** A session with the provider it runs on ({@code cpu} or {@code cuda}) and why. */
  public record Opened(OrtSession session, String provider, String note) {}

  /** True when this ONNX Runtime build carries the CUDA provider (it may still fail to load). */
  public static boolean cudaBuiltIn() {
    OrtSupport.environment(); // loads the native library first
    return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
  }

  /**
   * Opens {@code file} on the chosen provider.
   *
   * @throws OnnxModelException PROVIDER_UNAVAILABLE when CUDA was required and cannot be used,
   *     INVALID_MODEL when ONNX Runtime cannot load the file
   */
  public static Opened open(Path file, ProviderChoice choice) {
    OrtEnvironment env = OrtSupport.environment();
    String cudaProblem = null;
    if (choice != ProviderChoice.CPU) {
      if (!cudaBuiltIn()) {
        cudaProblem =
            "this ONNX Runtime build has no CUDA provider: Cairn was built with the CPU artifact"
                + " 'onnxruntime'; build with -Dcuda for 'onnxruntime_gpu'";
      } else {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtCUDAProviderOptions cuda = null;
        int device = cudaDevice();
        try {
          options.setCPUArenaAllocator(false);
          // as ONNX Runtime's CUDA provider documentation sets it up from Java: provider options
          // for
          // one device; its GPU arena grows by what is asked, not by doubling, so one large request
          // does not reserve twice its size for the session's lifetime
          cuda = new OrtCUDAProviderOptions(device);
          cuda.add("arena_extend_strategy", "kSameAsRequested");
          options.addCUDA(cuda);
          OrtSession session = env.createSession(file.toString(), options);
          options.close();
          cuda.close();
          return logged(new Opened(session, "cuda", "CUDA execution provider on GPU " + device));
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
          options.close();
          if (cuda != null) {
            cuda.close();
          }
          cudaProblem =
              "the CUDA provider did not load: "
                  + firstLine(e.getMessage())
                  + "; it needs an NVIDIA GPU and driver, CUDA 12 and cuDNN 9 libraries";
        }
      }
      if (choice == ProviderChoice.CUDA) {
        throw new OnnxModelException(
            Reason.PROVIDER_UNAVAILABLE,
            "execution provider 'cuda' cannot be used: "
                + cudaProblem
                + "; use --provider auto or cpu");
      }
    }
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      // no CPU memory arena: an arena keeps the peak of every run (a request refused after it ran
      // included) for the session's lifetime; without it each run's memory goes back when it ends
      options.setCPUArenaAllocator(false);
      OrtSession session = env.createSession(file.toString(), options);
      // printed in parentheses after the provider ("on cpu (...)"), so it holds none of its own
      String note =
          choice == ProviderChoice.CPU
              ? "CPU execution provider, asked for"
              : "CPU execution provider; auto: " + cudaProblem;
      return logged(new Opened(session, "cpu", note));
    } catch (OrtException e) {
      throw new OnnxModelException(
          Reason.INVALID_MODEL,
          "ONNX Runtime cannot load " + file.getFileName() + ": " + firstLine(e.getMessage()),
          e);
    }
  }

  /** The GPU sessions use: {@code CAIRN_CUDA_DEVICE}, default 0. */
  static int cudaDevice() {
    String raw = System.getenv("CAIRN_CUDA_DEVICE");
    try {
      return raw == null || raw.isBlank() ? 0 : Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw new OnnxModelException(
          Reason.BAD_INPUT, "CAIRN_CUDA_DEVICE is '" + raw + "'; expected a GPU index (0, 1, ...)");
    }
  }

  private static Opened logged(Opened opened) {
    if (LOGGED
        .computeIfAbsent(opened.note(), k -> new AtomicBoolean())
        .compareAndSet(false, true)) {
      LOG.info("ONNX Runtime sessions run on {}: {}", opened.provider(), opened.note());
    }
    return opened;
  }

  static String firstLine(String message) {
    if (message == null) {
      return "no details";
    }
    return message.lines().findFirst().orElse(message).trim();
  }
}
