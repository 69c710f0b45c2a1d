package dev.cairn.server.http;

import dev.cairn.core.spec.ResolvedSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a submitted run's model needs at least, read from its spec before anything is built (the
 * dataset's shapes are not known yet): a lower bound, so a refusal is never wrong. Every integer
 * list in the model's parameters is read as layer widths {@code [a, b, c]} of a network with at
 * least one input and one output: {@code a + a*b + b*c + c} weights and {@code a + b + c} biases;
 * every other integer as a layer of that width. Memory: four floats per parameter (weights,
 * gradients, two optimizer moments) and, for one batch, two floats per unit per example
 * (activations and their gradients).
 *
 * @param parameters the estimated parameter count
 * @param memoryBytes the estimated memory while training
 */
record ModelEstimate(double parameters, double memoryBytes) {
  static ModelEstimate of(ResolvedSpec resolved) {
    double params = 0;
    double units = 0;
    for (Map.Entry<String, Object> e : resolved.model().params().asMap().entrySet()) {
      Object v = e.getValue();
      if (v instanceof List<?> list
          && !list.isEmpty()
          && list.stream()
              .allMatch(
                  x -> x instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()))) {
        double prev = 1;
        for (Object x : list) {
          double w = Math.max(0, ((Number) x).doubleValue());
          params += prev * w + w;
          units += w;
          prev = w;
        }
        params += prev;
      } else if ((v instanceof Integer || v instanceof Long) && ((Number) v).longValue() > 0) {
        params += ((Number) v).doubleValue();
        units += ((Number) v).doubleValue();
      }
    }
    double batch = Math.max(1, resolved.spec().loader().batchSize());
    return new ModelEstimate(params, params * 4 * Float.BYTES + batch * units * 2 * Float.BYTES);
  }

  static String count(double n) {
    return n >= 1e15
        ? String.format(Locale.ROOT, "%.3g", n)
        : String.format(Locale.ROOT, "%,d", (long) n);
  }

  static String bytes(double b) {
    if (b >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", b / (1L << 30));
    }
    return String.format(Locale.ROOT, "%.1f MiB", b / (1L << 20));
  }
}
