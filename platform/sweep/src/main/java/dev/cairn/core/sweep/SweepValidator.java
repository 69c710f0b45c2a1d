package dev.cairn.core.sweep;

import dev.cairn.core.spec.SpecResolver;
import dev.cairn.spi.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Checks a sweep against the installed plugins before any trial starts: the base spec resolves,
 * every parameter path names a parameter of its plugin, and every value a parameter can take (the
 * ends of a range, each listed value) is allowed there. Errors name {@code parameters.<path>}.
 */
public final class SweepValidator {
  private SweepValidator() {}

  /**
   * @throws SpecException naming the first bad field
   */
  public static void validate(SweepSpec sweep, SpecResolver resolver) {
    try {
      resolver.resolve(
          TrialSpecs.parse(TrialSpecs.text(sweep, sweep.name(), Map.of()), sweep.name()));
    } catch (SpecException e) {
      throw new SpecException("spec." + e.field(), tail(e));
    }
    for (SweepParameter p : sweep.parameters()) {
      for (Object probe : probes(p.domain())) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put(p.path(), probe);
        check(sweep, resolver, one, p.path());
      }
    }
    // the first trial's full combination: catches values that only clash together
    Map<String, Object> first =
        sweep.method() == SweepMethod.GRID
            ? new GridSampler(sweep.parameters()).combination(0)
            : RandomSampler.draw(sweep.parameters(), new Random(sweep.seed()));
    check(sweep, resolver, first, null);
  }

  private static void check(
      SweepSpec sweep, SpecResolver resolver, Map<String, Object> params, String path) {
    try {
      resolver.resolve(
          TrialSpecs.parse(TrialSpecs.text(sweep, sweep.name(), params), sweep.name()));
    } catch (SpecException e) {
      String field = path != null ? "parameters." + path : "parameters";
      if (path == null) {
        for (String p : params.keySet()) {
          if (e.field().equals(p) || e.field().startsWith(p + ".")) {
            field = "parameters." + p;
          }
        }
      }
      String shown = e.field().equals(path) || path == null ? tail(e) : e.getMessage();
      throw new SpecException(
          field, shown + (path == null ? " (with " + ValueKeys.toJson(params) + ")" : ""));
    } catch (RuntimeException e) {
      throw new SpecException(
          path == null ? "parameters" : "parameters." + path,
          "value not allowed: " + e.getMessage());
    }
  }

  private static List<Object> probes(Domain d) {
    List<Object> out = new ArrayList<>();
    if (d instanceof Domain.Fixed f) {
      out.add(f.value());
    } else if (d instanceof Domain.Categorical c) {
      out.addAll(c.values());
    } else if (d instanceof Domain.Normal n) {
      out.add(n.mu());
    } else if (d instanceof Domain.Numeric n) {
      out.add(n.fromSearch(n.low()));
      out.add(n.fromSearch(n.high()));
    }
    return out;
  }

  private static String tail(SpecException e) {
    return e.getMessage().substring(e.field().length() + 2);
  }
}
