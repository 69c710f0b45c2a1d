package dev.cairn.core.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.cairn.spi.SpecException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Expands {@code variants:} into one spec per variant. A variant is a mapping of top-level keys
 * merged into the base spec: sections merge key by key (a variant's {@code optimizer: {lr: 0.1}}
 * changes only the rate), other values replace the base's; a section that names another {@code
 * plugin} replaces the base's section whole, since the old plugin's parameters would not fit.
 * {@code name} labels the variant (default v1, v2, …); the run is named {@code <base>-<label>}.
 *
 * <pre>
 * name: optimizer-race
 * experiment: optimizer-race
 * ...
 * optimizer: {plugin: sgd, lr: 0.1}
 * variants:
 *   - {name: sgd}
 *   - {name: momentum, optimizer: {momentum: 0.9}}
 *   - {name: adam, optimizer: {plugin: adam, lr: 0.001}}
 * </pre>
 */
final class SpecVariants {
  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  /**
   * The most variants one spec may hold: each is a run, and all are parsed before the first trains.
   */
  public static final int MAX_VARIANTS = 1000;

  private SpecVariants() {}

  /** The merged spec text of each variant, in order. */
  @SuppressWarnings("unchecked")
  static List<String> expand(Map<String, Object> root, String defaultName) {
    Object list = root.get("variants");
    if (!(list instanceof List<?> variants) || variants.isEmpty()) {
      throw new SpecException(
          "variants",
          SpecReader.describe(list)
              + " is not allowed; expected a list of overrides, e.g. [{name: a, optimizer: {lr: 0.1}}]");
    }
    if (variants.size() > MAX_VARIANTS) {
      throw new SpecException(
          "variants",
          variants.size()
              + " variants is more than allowed (at most "
              + MAX_VARIANTS
              + "); split them over several spec files or use a sweep (cairn sweep)");
    }
    Map<String, Object> base = new LinkedHashMap<>(root);
    base.remove("variants");
    String baseName =
        SpecReader.text("name", base.get("name"), defaultName == null ? "run" : defaultName);
    List<String> out = new ArrayList<>();
    Set<String> labels = new HashSet<>();
    for (int i = 0; i < variants.size(); i++) {
      String field = "variants[" + i + "]";
      Map<String, Object> variant = new LinkedHashMap<>(SpecReader.section(field, variants.get(i)));
      String label = SpecReader.text(field + ".name", variant.remove("name"), "v" + (i + 1));
      if (!labels.add(label)) {
        throw new SpecException(
            field + ".name", "'" + label + "' names two variants; give each its own name");
      }
      for (String key : variant.keySet()) {
        if (!SpecParser.TOP_LEVEL.contains(key) || key.equals("variants")) {
          throw new SpecException(
              field + "." + key,
              "unknown field; a variant overrides top-level"
                  + " fields (epochs, dataset, model, optimizer, loss, training, ...) and has a name");
        }
      }
      Map<String, Object> merged = merge(base, variant);
      merged.put("name", baseName + "-" + label);
      merged.putIfAbsent("experiment", baseName);
      try {
        out.add(
            "# variant '"
                + label
                + "' of spec '"
                + baseName
                + "'\n"
                + YAML.writeValueAsString(merged));
      } catch (JsonProcessingException e) {
        throw new SpecException(field, "cannot be written back as YAML: " + e.getOriginalMessage());
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> override) {
    Map<String, Object> out = new LinkedHashMap<>(base);
    override.forEach(
        (key, value) -> {
          Object old = out.get(key);
          if (old instanceof String plugin
              && value instanceof Map<?, ?> m
              && !m.containsKey("plugin")) {
            // `loss: l2` in the base, `loss: {delta: 1}` in the variant
            old = new LinkedHashMap<>(Map.of("plugin", plugin));
          }
          if (old instanceof Map<?, ?> oldMap
              && value instanceof Map<?, ?> newMap
              && samePlugin(oldMap, newMap)) {
            out.put(key, merge((Map<String, Object>) oldMap, (Map<String, Object>) newMap));
          } else {
            out.put(key, value);
          }
        });
    return out;
  }

  private static boolean samePlugin(Map<?, ?> base, Map<?, ?> override) {
    Object plugin = override.get("plugin");
    return plugin == null || plugin.equals(base.get("plugin"));
  }
}
