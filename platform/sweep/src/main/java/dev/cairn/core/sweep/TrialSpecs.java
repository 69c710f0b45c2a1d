package dev.cairn.core.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.cairn.core.spec.ExperimentSpec;
import dev.cairn.core.spec.SpecParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a trial's experiment spec: the base spec's tree with each sampled value set at its path,
 * written back as YAML (the text the trial's run records) and parsed like any spec.
 */
public final class TrialSpecs {
  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private TrialSpecs() {}

  /** The trial's spec text: the base with {@code params} applied, named {@code name}. */
  public static String text(SweepSpec sweep, String name, Map<String, Object> params) {
    Map<String, Object> tree = apply(sweep.baseTree(), params);
    tree.put("name", name);
    tree.put("experiment", sweep.experiment());
    try {
      return "# trial of sweep "
          + sweep.name()
          + ": "
          + ValueKeys.toJson(params)
          + "\n"
          + YAML.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a trial spec", e);
    }
  }

  /** Parses a trial's spec text. */
  public static ExperimentSpec parse(String text, String name) {
    return SpecParser.parse(text, name);
  }

  /** A deep copy of {@code base} with every {@code path -> value} set. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> apply(Map<String, Object> base, Map<String, Object> params) {
    Map<String, Object> tree = deepCopy(base);
    for (Map.Entry<String, Object> p : params.entrySet()) {
      String[] parts = p.getKey().split("\\.");
      Map<String, Object> node = tree;
      for (int i = 0; i < parts.length - 1; i++) {
        Object child = node.get(parts[i]);
        if (child instanceof String plugin && SweepSpecParser.SECTIONS.contains(parts[i])) {
          child = new LinkedHashMap<>(Map.of("plugin", plugin)); // `loss: l2` shorthand
        } else if (!(child instanceof Map)) {
          child = new LinkedHashMap<>();
        } else {
          child = new LinkedHashMap<>((Map<String, Object>) child);
        }
        node.put(parts[i], child);
        node = (Map<String, Object>) child;
      }
      node.put(parts[parts.length - 1], copyValue(p.getValue()));
    }
    return tree;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, copyValue(v)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object copyValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      return deepCopy((Map<String, Object>) m);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(copyValue(x)));
      return out;
    }
    return v;
  }
}
