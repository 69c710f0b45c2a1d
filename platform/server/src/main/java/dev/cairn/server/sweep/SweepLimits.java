package dev.cairn.server.sweep;

import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.sweep.Domain;
import dev.cairn.core.sweep.SweepParameter;
import dev.cairn.core.sweep.SweepSpec;
import dev.cairn.core.sweep.TrialSpecs;
import dev.cairn.core.sweep.ValueKeys;
import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiException;
import dev.cairn.server.http.RunLimits;
import dev.cairn.server.http.ServerLimits;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep submitted to a server is held to the limits a single run is (docs/security.md, "Server
 * limits"), for the largest trial it can produce, before anything is stored. The run checks
 * (epochs, estimated parameters and memory) grow with every integer in a spec, so the largest trial
 * takes each swept number at the top of its range: the largest listed number, the maximum of a
 * uniform, int, q or log range, mu + 4 sigma of a normal. Listed values that are not numbers (layer
 * lists such as {@code [[64], [128, 128]]}, plugin names) are each tried, in every combination with
 * the other such lists.
 */
final class SweepLimits {
  /** Most trials one sweep may run: the same bound as {@code variants} in one spec. */
  static final int MAX_TRIALS = 1000;

  /** Most combinations of listed non-numeric values checked for one sweep. */
  static final int MAX_COMBINATIONS = 1000;

  private SweepLimits() {}

  /**
   * @throws ApiException 400 {@code limit_exceeded} naming the field (the sweep parameter, or the
   *     base spec's field) and the limit
   */
  static void check(Platform platform, ServerLimits limits, SweepSpec sweep) {
    if (sweep.runCap() > MAX_TRIALS) {
      throw new ApiException(
          400,
          "limit_exceeded",
          "run_cap: "
              + sweep.runCap()
              + " trials is more than a sweep may run (at most "
              + MAX_TRIALS
              + "); set a smaller run_cap (or runCap), or list fewer grid values");
    }
    List<SweepParameter> params = sweep.parameters();
    List<List<Object>> choices = new ArrayList<>();
    long combinations = 1;
    for (SweepParameter p : params) {
      List<Object> c = largest(p.domain());
      choices.add(c);
      combinations = Math.min(Long.MAX_VALUE / 2, combinations * c.size());
    }
    if (combinations > MAX_COMBINATIONS) {
      throw new ApiException(
          400,
          "limit_exceeded",
          "parameters: "
              + combinations
              + " combinations of listed values that are not numbers; this server checks at most "
              + MAX_COMBINATIONS
              + " against its limits: list fewer values or split the sweep");
    }
    int[] at = new int[params.size()];
    for (long n = 0; n < combinations; n++) {
      Map<String, Object> trial = new LinkedHashMap<>();
      for (int i = 0; i < params.size(); i++) {
        trial.put(params.get(i).path(), choices.get(i).get(at[i]));
      }
      checkTrial(platform, limits, sweep, trial);
      for (int i = params.size() - 1; i >= 0; i--) { // next combination, like an odometer
        if (++at[i] < choices.get(i).size()) {
          break;
        }
        at[i] = 0;
      }
    }
  }

  private static void checkTrial(
      Platform platform, ServerLimits limits, SweepSpec sweep, Map<String, Object> trial) {
    ResolvedSpec resolved;
    try {
      resolved =
          platform
              .runs()
              .resolve(TrialSpecs.parse(TrialSpecs.text(sweep, sweep.name(), trial), sweep.name()));
    } catch (RuntimeException e) {
      return; // a value the spec does not allow: the sweep controller's validation names it
    }
    try {
      RunLimits.check(limits, resolved);
    } catch (ApiException e) {
      // the run check names the spec's field ("epochs: ...", "model: ..."); a sweep names the
      // swept parameter behind it, or the base spec's field
      String message = e.getMessage();
      int colon = message.indexOf(": ");
      String runField = message.substring(0, colon);
      throw new ApiException(
          e.status(),
          e.code(),
          field(runField, message.startsWith("model: training needs"), trial.keySet())
              + message.substring(colon)
              + " (the largest trial this sweep can produce: "
              + ValueKeys.toJson(trial)
              + ")");
    }
  }

  /** The swept parameter behind a run limit on {@code runField}, or the base spec's field. */
  private static String field(String runField, boolean memory, Iterable<String> paths) {
    for (String path : paths) {
      if (path.equals(runField)
          || path.startsWith(runField + ".")
          || (memory && path.equals("dataset.batchSize"))) {
        return "parameters." + path;
      }
    }
    return "spec." + runField;
  }

  /** The values of a domain that can make a trial largest. */
  static List<Object> largest(Domain d) {
    if (d instanceof Domain.Fixed f) {
      return Collections.singletonList(f.value());
    }
    if (d instanceof Domain.Categorical c) {
      if (c.values().stream().allMatch(v -> v instanceof Number)) {
        Object max = c.values().get(0);
        for (Object v : c.values()) {
          if (((Number) v).doubleValue() > ((Number) max).doubleValue()) {
            max = v;
          }
        }
        return List.of(max);
      }
      return c.values();
    }
    if (d instanceof Domain.Normal n) {
      return List.of(n.mu() + 4 * n.sigma());
    }
    Domain.Numeric n = (Domain.Numeric) d;
    return List.of(n.fromSearch(n.high()));
  }
}
