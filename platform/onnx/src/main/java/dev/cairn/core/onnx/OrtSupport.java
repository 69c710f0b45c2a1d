package dev.cairn.core.onnx;

import ai.onnxruntime.OrtEnvironment;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process's ONNX Runtime environment, loaded on a thread with a large stack. Loading the native
 * library (ONNX Runtime 1.29) can need more than a default 1 MiB Java thread stack: on a CLI main
 * thread with a long class path it crashed the JVM with SIGSEGV. Once loaded, sessions run fine on
 * ordinary threads. Every ONNX Runtime use in Cairn goes through {@link #environment()}.
 */
public final class OrtSupport {
  private static final long LOADER_STACK_BYTES = 64L << 20;
  private static volatile OrtEnvironment environment;

  private OrtSupport() {}

  public static OrtEnvironment environment() {
    OrtEnvironment env = environment;
    if (env != null) {
      return env;
    }
    synchronized (OrtSupport.class) {
      if (environment == null) {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread loader =
            new Thread(
                null,
                () -> {
                  try {
                    result.set(OrtEnvironment.getEnvironment());
                  } catch (RuntimeException | Error e) {
                    result.set(e);
                  }
                },
                "onnxruntime-loader",
                LOADER_STACK_BYTES);
        loader.start();
        try {
          loader.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while loading ONNX Runtime", e);
        }
        if (result.get() instanceof RuntimeException e) {
          throw e;
        }
        if (result.get() instanceof Error e) {
          throw e;
        }
        environment = (OrtEnvironment) result.get();
      }
      return environment;
    }
  }
}
