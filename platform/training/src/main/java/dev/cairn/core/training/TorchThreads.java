package dev.cairn.core.training;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * libtorch's thread pools. Intra-op threads (one operator split over cores) default to the cores
 * this process may use, inter-op threads (independent operators at once) to 1: Cairn's loops are
 * sequential, and a second pool only competes for the same cores. Both are read once, when DJL
 * loads libtorch, from the system properties DJL documents ({@code ai.djl.pytorch.num_threads},
 * {@code ai.djl.pytorch.num_interop_threads}); intra-op can change later (process-wide), inter-op
 * cannot. OpenMP's wait policy is an environment variable read when libtorch loads, so the launcher
 * sets it ({@code OMP_WAIT_POLICY=PASSIVE}: idle threads sleep instead of spinning, which on a
 * shared machine made every process 10-40x slower).
 */
public final class TorchThreads {
  static final String INTRA = "ai.djl.pytorch.num_threads";
  static final String INTER = "ai.djl.pytorch.num_interop_threads";

  private TorchThreads() {}

  /**
   * Sets the defaults, or {@code threads} intra-op threads when > 0, for libtorch to pick up when
   * it loads. Call before anything touches DJL's PyTorch engine; values already set win.
   */
  public static void configure(int threads) {
    if (threads > 0) {
      System.setProperty(INTRA, Integer.toString(threads));
    } else if (System.getProperty(INTRA) == null) {
      System.setProperty(INTRA, Integer.toString(Runtime.getRuntime().availableProcessors()));
    }
    if (System.getProperty(INTER) == null) {
      System.setProperty(INTER, "1");
    }
  }

  /** The defaults, unless a command line or the JVM's options chose. */
  public static void configureDefaults() {
    configure(0);
  }

  /**
   * Loads the engine with the configured threads; then sets libtorch's intra-op threads (one pool
   * for the whole process) to a run's own {@code training.threads}, or back to the process's
   * setting when the run has none (0).
   */
  static void apply(int threads) {
    configureDefaults();
    Engine.getEngine("PyTorch");
    int wanted = threads > 0 ? threads : Integer.getInteger(INTRA, 0);
    if (wanted > 0 && JniUtils.getNumThreads() != wanted) {
      JniUtils.setNumThreads(wanted);
    }
  }

  /** What the run trains with, for its provenance. */
  static Map<String, String> describe() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("system.torch.intraOpThreads", Integer.toString(JniUtils.getNumThreads()));
    out.put("system.torch.interOpThreads", Integer.toString(JniUtils.getNumInteropThreads()));
    String policy = System.getenv("OMP_WAIT_POLICY");
    out.put("system.omp.waitPolicy", policy == null ? "unset (OpenMP default: active)" : policy);
    return out;
  }
}
