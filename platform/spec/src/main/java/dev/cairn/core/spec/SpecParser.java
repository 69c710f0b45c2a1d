package dev.cairn.core.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cairn.spi.SpecException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an experiment spec from YAML and checks its structure: known top-level keys, required
 * sections, types and ranges. Every error is one {@link SpecException} naming the field.
 *
 * <pre>
 * name: softmax-fashion-mnist
 * experiment: course
 * seed: 42
 * device: auto          # auto | cpu | gpu
 * epochs: 10
 * logging: {everySteps: 10, histogramsEveryEpochs: 1, imagesEveryEpochs: 1, systemEverySeconds: 10,
 *           evaluateEveryEpochs: 1}
 * dataset: {plugin: fashion-mnist, batchSize: 256, shuffle: true, dropLast: false}
 * model: {plugin: softmax-regression}
 * optimizer: {plugin: sgd, lr: 0.1}
 * loss: {plugin: softmax-cross-entropy}
 * </pre>
 */
public final class SpecParser {
  static final List<String> TOP_LEVEL =
      List.of(
          "name",
          "experiment",
          "description",
          "seed",
          "device",
          "epochs",
          "logging",
          "dataset",
          "model",
          "optimizer",
          "loss",
          "training",
          "variants");
  static final List<String> LOADER_KEYS = List.of("batchSize", "shuffle", "dropLast");
  static final long DEFAULT_SEED = 42;

  // duplicate keys are an error: with the default, the last of two `epochs:` silently wins
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private SpecParser() {}

  /** Reads and parses a spec file; the run name defaults to the file name without extension. */
  public static ExperimentSpec parseFile(Path file) throws IOException {
    String text = readSpecFile(file);
    String base = file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
    return parse(text, base);
  }

  /** Parses spec text (YAML or JSON); {@code defaultName} is used when it has no {@code name}. */
  public static ExperimentSpec parse(String text, String defaultName) {
    Map<String, Object> root = readTree(text);
    if (root.containsKey("variants")) {
      throw new SpecException(
          "variants",
          "a spec with variants describes several runs; read it with"
              + " SpecParser.parseAll (`cairn run` runs each variant)");
    }
    SpecReader.onlyKeys("", root, TOP_LEVEL);
    String name =
        SpecReader.text("name", root.get("name"), defaultName == null ? "run" : defaultName);
    String experiment = SpecReader.text("experiment", root.get("experiment"), "default");
    // the store's columns hold 255 characters
    if (name.length() > 255) {
      throw new SpecException("name", name.length() + " characters is not allowed; at most 255");
    }
    if (experiment.length() > 255) {
      throw new SpecException(
          "experiment", experiment.length() + " characters is not allowed; at most 255");
    }
    String description = SpecReader.text("description", root.get("description"), "");
    long seed =
        SpecReader.integer("seed", root.get("seed"), DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE);
    DeviceChoice device =
        SpecReader.oneOf("device", root.get("device"), DeviceChoice.class, DeviceChoice.AUTO);
    Object epochsRaw = root.get("epochs");
    if (epochsRaw == null) {
      throw new SpecException("epochs", "missing; expected an integer >= 1");
    }
    int epochs = SpecReader.intAtLeast("epochs", epochsRaw, 1, 1);
    Map<String, Object> datasetSection = section(root, "dataset", true);
    Map<String, Object> datasetParams = new LinkedHashMap<>(datasetSection);
    LOADER_KEYS.forEach(datasetParams::remove);
    DataOptions.KEYS.forEach(datasetParams::remove);
    LoaderSpec loader =
        new LoaderSpec(
            SpecReader.intAtLeast(
                "dataset.batchSize",
                datasetSection.get("batchSize"),
                LoaderSpec.DEFAULT_BATCH_SIZE,
                1),
            SpecReader.bool("dataset.shuffle", datasetSection.get("shuffle"), true),
            SpecReader.bool("dataset.dropLast", datasetSection.get("dropLast"), false));
    return new ExperimentSpec(
        name,
        experiment,
        description,
        seed,
        device,
        epochs,
        loader,
        component("dataset", datasetParams),
        component("model", section(root, "model", true)),
        component("optimizer", section(root, "optimizer", true)),
        component("loss", section(root, "loss", true)),
        text,
        DataOptions.parse(datasetSection),
        TrainingOptions.parse(root.get("training")),
        LoggingOptions.parse(root.get("logging")));
  }

  /**
   * Parses spec text that may hold {@code variants:}, a list of overrides of the base spec, each
   * with an optional {@code name}: one spec per variant, named {@code <name>-<variant>}, whose text
   * is the merged spec (what the run records and what an export or resume reads back). Without
   * variants, the one spec of {@link #parse}.
   */
  public static List<ExperimentSpec> parseAll(String text, String defaultName) {
    Map<String, Object> root = readTree(text);
    if (!root.containsKey("variants")) {
      return List.of(parse(text, defaultName));
    }
    return SpecVariants.expand(root, defaultName).stream().map(v -> parse(v, defaultName)).toList();
  }

  /** {@link #parseAll} of a file; the run name defaults to the file name without extension. */
  public static List<ExperimentSpec> parseAllFile(Path file) throws IOException {
    String text = readSpecFile(file);
    return parseAll(text, file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", ""));
  }

  /**
   * The text of a spec (or sweep) file; every way it cannot be read is a one-line {@link
   * SpecException}: missing, a directory, not UTF-8 (binary), unreadable.
   */
  public static String readSpecFile(Path file) {
    if (Files.isDirectory(file)) {
      throw new SpecException("spec", file + " is a directory; expected a YAML spec file");
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new SpecException("spec", "file not found: " + file);
    } catch (CharacterCodingException e) {
      throw new SpecException("spec", file + " is not UTF-8 text; expected a YAML spec file");
    } catch (IOException e) {
      throw new SpecException(
          "spec",
          "cannot read "
              + file
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage()));
    } catch (OutOfMemoryError e) {
      throw new SpecException("spec", file + " is too large for a spec file");
    }
  }

  static Map<String, Object> readTree(String text) {
    return readMapping(
        text,
        "spec",
        "empty; expected a YAML mapping with dataset, model, optimizer, loss and epochs");
  }

  /**
   * Reads YAML (or JSON) text that must be a mapping, as an ordered, modifiable map. Errors are
   * {@link SpecException}s on {@code field}: {@code whenEmpty} for blank text, the line and column
   * of a syntax error, or what the text is instead of a mapping.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readMapping(String text, String field, String whenEmpty) {
    if (text == null || text.isBlank()) {
      throw new SpecException(field, whenEmpty);
    }
    Object tree;
    try {
      tree = YAML.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      String where =
          loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw new SpecException(field, "not valid YAML" + where + ": " + e.getOriginalMessage());
    }
    if (!(tree instanceof Map)) {
      throw new SpecException(
          field, "expected a YAML mapping (key: value lines), got " + SpecReader.describe(tree));
    }
    return new LinkedHashMap<>((Map<String, Object>) tree);
  }

  private static ComponentSpec component(String section, Map<String, Object> values) {
    Object plugin = values.get("plugin");
    if (plugin == null) {
      throw new SpecException(
          section + ".plugin",
          "missing; name the " + section + " plugin to use (see `cairn plugins`)");
    }
    if (!(plugin instanceof String id) || id.isBlank()) {
      throw new SpecException(
          section + ".plugin",
          SpecReader.describe(plugin) + " is not allowed; expected a plugin id");
    }
    Map<String, Object> params = new LinkedHashMap<>(values);
    params.remove("plugin");
    return new ComponentSpec(id, params);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(
      Map<String, Object> root, String key, boolean required) {
    Object v = root.get(key);
    if (v == null) {
      if (required) {
        throw new SpecException(key, "missing; expected a section with at least `plugin: <id>`");
      }
      return Map.of();
    }
    if (v instanceof String s) {
      // shorthand: `loss: l2`
      return new LinkedHashMap<>(Map.of("plugin", s));
    }
    if (!(v instanceof Map)) {
      throw new SpecException(
          key,
          SpecReader.describe(v)
              + " is not allowed; expected a section (key: value lines) or a plugin id");
    }
    return (Map<String, Object>) v;
  }

  /** Top-level keys a spec may have. */
  public static Set<String> topLevelKeys() {
    return Set.copyOf(TOP_LEVEL);
  }
}
