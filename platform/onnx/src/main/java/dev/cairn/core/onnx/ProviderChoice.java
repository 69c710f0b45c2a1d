package dev.cairn.core.onnx;

import java.util.Locale;

/**
 * Which ONNX Runtime execution provider sessions use: {@code cpu}, {@code cuda} (fails clearly
 * where it cannot load), or {@code auto} (CUDA when this ONNX Runtime has it and it loads, CPU
 * otherwise, with the reason logged).
 */
public enum ProviderChoice {
  AUTO,
  CPU,
  CUDA;

  /** Parses {@code auto|cpu|cuda} (any case); the message lists what is allowed. */
  public static ProviderChoice parse(String raw) {
    try {
      return valueOf(raw.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new OnnxModelException(
          OnnxModelException.Reason.BAD_INPUT,
          "execution provider '" + raw + "' is not allowed; one of: auto, cpu, cuda");
    }
  }

  /** From CAIRN_ORT_PROVIDER, default auto. */
  public static ProviderChoice fromEnvironment() {
    String raw = System.getenv("CAIRN_ORT_PROVIDER");
    return raw == null || raw.isBlank() ? AUTO : parse(raw);
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
