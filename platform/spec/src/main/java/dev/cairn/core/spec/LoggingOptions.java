package dev.cairn.core.spec;

import java.util.List;
import java.util.Map;

/**
 * A spec's {@code logging:} section: how often a run records what.
 *
 * @param everySteps per-step scalars (training loss, learning rate) every N steps, >= 1 (default
 *     10)
 * @param histogramsEveryEpochs weight / gradient histograms every N epochs, 0 = off (default 1)
 * @param imagesEveryEpochs sample predictions and confusion matrix every N epochs, 0 = off (default
 *     1)
 * @param systemEverySeconds {@code system/*} series (CPU, memory, GPU) every N seconds, 0 = off
 *     (default 10)
 * @param evaluateEveryEpochs evaluate the validation (or test) split every N epochs and after the
 *     last, >= 1 (default 1)
 */
public record LoggingOptions(
    int everySteps,
    int histogramsEveryEpochs,
    int imagesEveryEpochs,
    int systemEverySeconds,
    int evaluateEveryEpochs) {

  /** Default of {@code logging.systemEverySeconds}. */
  public static final int DEFAULT_SYSTEM_EVERY_SECONDS = 10;

  /** The defaults, as a spec without a {@code logging:} section gets them. */
  public static final LoggingOptions DEFAULTS =
      new LoggingOptions(10, 1, 1, DEFAULT_SYSTEM_EVERY_SECONDS, 1);

  /** The keys a {@code logging:} section may hold. */
  static final List<String> KEYS =
      List.of(
          "everySteps",
          "histogramsEveryEpochs",
          "imagesEveryEpochs",
          "systemEverySeconds",
          "evaluateEveryEpochs");

  public LoggingOptions {
    if (everySteps < 1 || evaluateEveryEpochs < 1) {
      throw new IllegalArgumentException("everySteps and evaluateEveryEpochs are >= 1");
    }
    if (histogramsEveryEpochs < 0 || imagesEveryEpochs < 0 || systemEverySeconds < 0) {
      throw new IllegalArgumentException("logging cadences are >= 0 (0 = off)");
    }
  }

  /** These options with system metrics every {@code seconds} (0 = off). */
  public LoggingOptions withSystemEverySeconds(int seconds) {
    return new LoggingOptions(
        everySteps, histogramsEveryEpochs, imagesEveryEpochs, seconds, evaluateEveryEpochs);
  }

  /** Reads a spec's {@code logging:} value (absent: the defaults); errors name the field. */
  static LoggingOptions parse(Object value) {
    if (value == null) {
      return DEFAULTS;
    }
    Map<String, Object> s = SpecReader.section("logging", value);
    SpecReader.onlyKeys("logging", s, KEYS);
    return new LoggingOptions(
        SpecReader.intAtLeast("logging.everySteps", s.get("everySteps"), DEFAULTS.everySteps, 1),
        SpecReader.intAtLeast(
            "logging.histogramsEveryEpochs",
            s.get("histogramsEveryEpochs"),
            DEFAULTS.histogramsEveryEpochs,
            0),
        SpecReader.intAtLeast(
            "logging.imagesEveryEpochs", s.get("imagesEveryEpochs"), DEFAULTS.imagesEveryEpochs, 0),
        SpecReader.intAtLeast(
            "logging.systemEverySeconds",
            s.get("systemEverySeconds"),
            DEFAULTS.systemEverySeconds,
            0),
        SpecReader.intAtLeast(
            "logging.evaluateEveryEpochs",
            s.get("evaluateEveryEpochs"),
            DEFAULTS.evaluateEveryEpochs,
            1));
  }
}
