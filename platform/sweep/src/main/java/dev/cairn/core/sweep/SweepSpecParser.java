package dev.cairn.core.sweep;

import static dev.cairn.core.spec.SpecReader.describe;
import static dev.cairn.core.spec.SpecReader.fmt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cairn.core.spec.ExperimentSpec;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.core.spec.SpecReader;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Suggest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a sweep (YAML, in the spirit of W&B sweep configs) and checks its structure. Every error is
 * one {@link SpecException} naming the field; plugin-level checks (is {@code optimizer.lrr} a
 * parameter of the optimizer?) are {@link SweepValidator}'s.
 *
 * <pre>
 * name: sweep-mlp-lr
 * spec: mlp-fashion-mnist.yaml      # the base experiment, relative to this file, or inline
 * method: bayes                     # grid | random | bayes
 * metric: {name: epoch/test_accuracy, goal: maximize}
 * parameters:
 *   optimizer.lr: {distribution: log_uniform, min: 0.001, max: 1.0}
 *   dataset.batchSize: {values: [64, 128, 256]}
 *   model.dropout: {distribution: uniform, min: 0, max: 0.5}
 *   epochs: {value: 8}
 * early_terminate: {type: asha, min_resource: 1, reduction_factor: 3}
 * run_cap: 16
 * parallel: 2
 * seed: 7
 * </pre>
 */
public final class SweepSpecParser {
  static final List<String> TOP_LEVEL =
      List.of(
          "name",
          "description",
          "experiment",
          "spec",
          "method",
          "metric",
          "parameters",
          "early_terminate",
          "run_cap",
          "parallel",
          "seed",
          "bayes");
  static final List<String> DISTRIBUTIONS =
      List.of(
          "categorical",
          "uniform",
          "int_uniform",
          "log_uniform",
          "log_uniform_values",
          "q_uniform",
          "normal");
  static final List<String> DOMAIN_KEYS =
      List.of("value", "values", "probabilities", "distribution", "min", "max", "q", "mu", "sigma");
  static final List<String> SECTIONS = List.of("dataset", "model", "optimizer", "loss");
  static final int DEFAULT_RUN_CAP = 20;
  static final int MAX_PARALLEL = 64;

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private SweepSpecParser() {}

  /** Reads a sweep file; a {@code spec:} file name is read relative to it. */
  public static SweepSpec parseFile(Path file) throws IOException {
    String text;
    try {
      text = SpecParser.readSpecFile(file);
    } catch (SpecException e) {
      throw new SpecException("sweep", e.getMessage().substring(e.field().length() + 2));
    }
    Path dir = file.toAbsolutePath().getParent();
    String base = file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
    Map<String, Object> root = readTree(text, "sweep");
    String baseText = baseText(root, dir);
    return parse(text, baseText, base);
  }

  /**
   * The base spec's text of a sweep: the named file (relative to {@code dir}) or the inline section
   * written back as YAML.
   */
  public static String baseText(Map<String, Object> root, Path dir) throws IOException {
    Object spec = root.get("spec");
    if (spec instanceof String name) {
      Path path = dir == null ? Path.of(name) : dir.resolve(name);
      return SpecParser.readSpecFile(path);
    }
    return inlineBase(root);
  }

  /** Text of an inline {@code spec:} section; fails naming {@code spec} when there is none. */
  static String inlineBase(Map<String, Object> root) {
    Object spec = root.get("spec");
    if (spec == null) {
      throw new SpecException(
          "spec", "missing; name the base experiment spec file or write it inline");
    }
    if (!(spec instanceof Map)) {
      throw new SpecException(
          "spec", describe(spec) + " is not allowed; expected a file name or a spec section");
    }
    try {
      return YAML.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new SpecException("spec", "cannot be written back as YAML: " + e.getOriginalMessage());
    }
  }

  /**
   * Parses sweep text whose base spec is inline (REST submissions) or given as {@code baseText}
   * (null: it must be inline).
   */
  public static SweepSpec parse(String text, String baseText, String defaultName) {
    Map<String, Object> root = readTree(text, "sweep");
    SpecReader.onlyKeys("", root, TOP_LEVEL);
    if (baseText == null) {
      baseText = inlineBase(root);
    }
    ExperimentSpec base = parseBase(baseText);
    Map<String, Object> baseTree = readTree(baseText, "spec");
    String name =
        SpecReader.text("name", root.get("name"), defaultName == null ? "sweep" : defaultName);
    String experiment = SpecReader.text("experiment", root.get("experiment"), base.experiment());
    SweepMethod method = SpecReader.oneOf("method", root.get("method"), SweepMethod.class, null);
    Map<String, Object> metricSection = SpecReader.section("metric", root.get("metric"), true);
    SpecReader.onlyKeys("metric", metricSection, List.of("name", "goal"));
    Object metricName = metricSection.get("name");
    if (!(metricName instanceof String metric) || metric.isBlank()) {
      throw new SpecException(
          "metric.name",
          (metricName == null ? "missing" : describe(metricName) + " is not allowed")
              + "; expected a scalar tag such as epoch/test_accuracy or epoch/validation_loss");
    }
    Goal goal =
        SpecReader.oneOf("metric.goal", metricSection.get("goal"), Goal.class, Goal.MINIMIZE);
    List<SweepParameter> parameters =
        parameters(SpecReader.section("parameters", root.get("parameters"), true));
    if (method == SweepMethod.GRID) {
      for (SweepParameter p : parameters) {
        if (p.domain().gridValues() == null) {
          throw new SpecException(
              "parameters." + p.path(),
              "distribution "
                  + p.domain().kind()
                  + " cannot be enumerated by method grid; give values: [...] or use method random or bayes");
        }
      }
    }
    long maxSteps = maxSteps(metric, base, parameters);
    EarlyTerminate early = earlyTerminate(root.get("early_terminate"), metric, maxSteps);
    int parallel = SpecReader.intValue("parallel", root.get("parallel"), 1, 1, MAX_PARALLEL);
    long seed = SpecReader.integer("seed", root.get("seed"), 0, Long.MIN_VALUE, Long.MAX_VALUE);
    int runCap;
    if (method == SweepMethod.GRID) {
      int size = new GridSampler(parameters).size();
      runCap = Math.min(size, SpecReader.intAtLeast("run_cap", root.get("run_cap"), size, 1));
    } else {
      runCap = SpecReader.intAtLeast("run_cap", root.get("run_cap"), DEFAULT_RUN_CAP, 1);
    }
    SweepSpec.TpeSettings tpe = SweepSpec.TpeSettings.DEFAULT;
    if (root.get("bayes") != null) {
      Map<String, Object> bayes = SpecReader.section("bayes", root.get("bayes"), false);
      SpecReader.onlyKeys("bayes", bayes, List.of("n_startup_trials", "n_ei_candidates"));
      tpe =
          new SweepSpec.TpeSettings(
              SpecReader.intValue(
                  "bayes.n_startup_trials",
                  bayes.get("n_startup_trials"),
                  tpe.nStartupTrials(),
                  0,
                  10_000),
              SpecReader.intValue(
                  "bayes.n_ei_candidates",
                  bayes.get("n_ei_candidates"),
                  tpe.nEiCandidates(),
                  1,
                  10_000));
    }
    return new SweepSpec(
        name,
        experiment,
        baseTree,
        baseText,
        method,
        metric,
        goal,
        parameters,
        early,
        runCap,
        parallel,
        seed,
        tpe,
        maxSteps,
        text);
  }

  private static ExperimentSpec parseBase(String baseText) {
    try {
      return SpecParser.parse(baseText, "base");
    } catch (SpecException e) {
      throw new SpecException(
          "spec." + e.field(), e.getMessage().substring(e.field().length() + 2));
    }
  }

  private static long maxSteps(
      String metric, ExperimentSpec base, List<SweepParameter> parameters) {
    if (!metric.startsWith("epoch/")) {
      return Long.MAX_VALUE;
    }
    long epochs = base.epochs();
    for (SweepParameter p : parameters) {
      if (p.path().equals("epochs")) {
        List<Object> values = p.domain().gridValues();
        if (values == null) {
          return Long.MAX_VALUE;
        }
        epochs = values.stream().mapToLong(v -> ((Number) v).longValue()).max().orElse(epochs);
      }
    }
    return epochs;
  }

  private static List<SweepParameter> parameters(Map<String, Object> section) {
    if (section.isEmpty()) {
      throw new SpecException(
          "parameters", "empty; name at least one spec field to vary, e.g. optimizer.lr");
    }
    List<SweepParameter> out = new ArrayList<>();
    for (Map.Entry<String, Object> e : section.entrySet()) {
      String path = e.getKey();
      checkPath(path);
      out.add(new SweepParameter(path, domain("parameters." + path, e.getValue())));
    }
    return out;
  }

  /**
   * A path names a field of an experiment spec: a top-level key (seed, epochs, device, ...), a
   * nested one ({@code logging.everySteps}) or a plugin section's key ({@code optimizer.lr}).
   */
  static void checkPath(String path) {
    String field = "parameters." + path;
    String[] parts = path.split("\\.", -1);
    String head = parts[0];
    if (SECTIONS.contains(head)) {
      if (parts.length != 2 || parts[1].isBlank()) {
        throw new SpecException(
            field,
            "unknown spec path; a section's field is written "
                + head
                + ".<key>, e.g. optimizer.lr or model.hidden");
      }
      return;
    }
    List<String> names = new ArrayList<>(SpecParser.topLevelKeys());
    names.removeAll(List.of("name", "experiment", "description"));
    names.sort(null);
    if (names.contains(head) && Arrays.stream(parts).noneMatch(String::isBlank)) {
      return;
    }
    String hint = Suggest.closest(head, names).map(s -> "did you mean '" + s + "'? ").orElse("");
    throw new SpecException(
        field,
        "unknown spec path; "
            + hint
            + "allowed: "
            + String.join(", ", names)
            + " (a plugin section's field is written like optimizer.lr)");
  }

  @SuppressWarnings("unchecked")
  static Domain domain(String field, Object raw) {
    if (!(raw instanceof Map)) {
      throw new SpecException(
          field,
          describe(raw)
              + " is not allowed; expected a section such as"
              + " {values: [...]}, {value: x} or {distribution: uniform, min: a, max: b}");
    }
    Map<String, Object> m = (Map<String, Object>) raw;
    SpecReader.onlyKeys(field, m, DOMAIN_KEYS);
    String distribution;
    Object d = m.get("distribution");
    if (d != null) {
      distribution = String.valueOf(d).trim().toLowerCase(Locale.ROOT);
      if (!DISTRIBUTIONS.contains(distribution)) {
        throw SpecReader.unknownField(field + ".distribution", distribution, DISTRIBUTIONS);
      }
    } else if (m.containsKey("value")) {
      if (m.size() > 1) {
        throw new SpecException(
            field,
            "value: fixes the parameter; remove the other keys ("
                + String.join(", ", m.keySet().stream().filter(k -> !k.equals("value")).toList())
                + ")");
      }
      if (m.get("value") == null) {
        throw new SpecException(field + ".value", "missing; give the value");
      }
      return new Domain.Fixed(m.get("value"));
    } else if (m.containsKey("values")) {
      distribution = "categorical";
    } else if (m.get("min") instanceof Number lo
        && m.get("max") instanceof Number hi
        && integral(lo)
        && integral(hi)
        && !(lo instanceof Double)
        && !(hi instanceof Double)) {
      distribution = "int_uniform";
    } else if (m.containsKey("mu") || m.containsKey("sigma")) {
      distribution = "normal";
    } else if (m.containsKey("min") || m.containsKey("max")) {
      distribution = m.containsKey("q") ? "q_uniform" : "uniform";
    } else {
      throw new SpecException(
          field, "give values: [...], value: x, or a distribution with min and max");
    }
    return switch (distribution) {
      case "categorical" -> categorical(field, m);
      case "uniform" -> {
        double[] r = range(field, m, false);
        yield new Domain.Uniform(r[0], r[1]);
      }
      case "int_uniform" -> {
        double[] r = range(field, m, false);
        if (!integral(r[0]) || !integral(r[1])) {
          throw new SpecException(
              field,
              "int_uniform needs integer min and max, got " + fmt(r[0]) + " and " + fmt(r[1]));
        }
        yield new Domain.IntUniform((long) r[0], (long) r[1]);
      }
      case "log_uniform", "log_uniform_values" -> {
        double[] r = range(field, m, true);
        yield new Domain.LogUniform(r[0], r[1]);
      }
      case "q_uniform" -> {
        double[] r = range(field, m, false);
        double q = SpecReader.number(field + ".q", m.get("q"), 1.0);
        if (!(q > 0)) {
          throw new SpecException(field + ".q", fmt(q) + " is not allowed; expected a number > 0");
        }
        if (q > r[1] - r[0]) {
          throw new SpecException(
              field + ".q",
              fmt(q) + " is wider than the range [" + fmt(r[0]) + ", " + fmt(r[1]) + "]");
        }
        yield new Domain.QUniform(r[0], r[1], q);
      }
      case "normal" -> {
        double mu = SpecReader.number(field + ".mu", m.get("mu"), 0.0);
        double sigma = SpecReader.number(field + ".sigma", m.get("sigma"), 1.0);
        if (!(sigma > 0)) {
          throw new SpecException(
              field + ".sigma", fmt(sigma) + " is not allowed; expected a number > 0");
        }
        yield new Domain.Normal(mu, sigma);
      }
      default -> throw new IllegalStateException(distribution);
    };
  }

  @SuppressWarnings("unchecked")
  private static Domain categorical(String field, Map<String, Object> m) {
    Object raw = m.get("values");
    if (raw == null) {
      throw new SpecException(
          field + ".values", "missing; a categorical parameter lists its values");
    }
    List<Object> values = (List<Object>) SpecReader.list(field + ".values", raw, "a list");
    if (values.isEmpty()) {
      throw new SpecException(field + ".values", "empty; give at least one value");
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null) {
        throw new SpecException(field + ".values", "value " + (i + 1) + " is empty");
      }
    }
    Object probs = m.get("probabilities");
    if (probs == null) {
      return new Domain.Categorical(values, null);
    }
    if (!(probs instanceof List<?> list) || list.size() != values.size()) {
      throw new SpecException(
          field + ".probabilities",
          "expected a list of " + values.size() + " numbers, one per value");
    }
    double[] p = new double[list.size()];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = SpecReader.number(field + ".probabilities", list.get(i));
      if (!(p[i] >= 0)) {
        throw new SpecException(
            field + ".probabilities", fmt(p[i]) + " is not allowed; probabilities are >= 0");
      }
      sum += p[i];
    }
    if (Math.abs(sum - 1) > 1e-6) {
      throw new SpecException(
          field + ".probabilities", "sum to " + fmt(sum) + "; they must sum to 1");
    }
    return new Domain.Categorical(values, p);
  }

  private static double[] range(String field, Map<String, Object> m, boolean log) {
    if (m.get("min") == null || m.get("max") == null) {
      throw new SpecException(field, "needs min and max");
    }
    double min = SpecReader.number(field + ".min", m.get("min"));
    double max = SpecReader.number(field + ".max", m.get("max"));
    if (min > max) {
      throw new SpecException(field, "min " + fmt(min) + " is greater than max " + fmt(max));
    }
    if (log && min <= 0) {
      throw new SpecException(
          field + ".min", fmt(min) + " is not allowed; a log range needs 0 < min < max");
    }
    if (min == max) {
      throw new SpecException(
          field,
          "empty range ["
              + fmt(min)
              + ", "
              + fmt(max)
              + "]; use value: "
              + fmt(min)
              + " to fix it, or widen the range");
    }
    return new double[] {min, max};
  }

  private static EarlyTerminate earlyTerminate(Object raw, String metric, long maxSteps) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof Map<?, ?>)) {
      throw new SpecException(
          "early_terminate",
          describe(raw) + " is not allowed; expected {type: median | asha | hyperband, ...}");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) raw;
    EarlyTerminate.Type type =
        SpecReader.oneOf("early_terminate.type", m.get("type"), EarlyTerminate.Type.class, null);
    List<String> keys =
        switch (type) {
          case MEDIAN ->
              List.of(
                  "type", "n_startup_trials", "n_warmup_steps", "interval_steps", "n_min_trials");
          case ASHA -> List.of("type", "min_resource", "min_iter", "reduction_factor", "eta");
          case HYPERBAND ->
              List.of(
                  "type",
                  "min_resource",
                  "min_iter",
                  "max_resource",
                  "max_iter",
                  "reduction_factor",
                  "eta");
        };
    SpecReader.onlyKeys("early_terminate", m, keys);
    EarlyTerminate d = EarlyTerminate.median();
    String minKey = alias(m, "min_resource", "min_iter");
    String maxKey = alias(m, "max_resource", "max_iter");
    String etaKey = alias(m, "reduction_factor", "eta");
    long minResource =
        SpecReader.integer("early_terminate." + minKey, m.get(minKey), 1, 1, Long.MAX_VALUE);
    long maxResource =
        SpecReader.integer("early_terminate." + maxKey, m.get(maxKey), 0, 1, Long.MAX_VALUE);
    int eta = SpecReader.intValue("early_terminate." + etaKey, m.get(etaKey), 3, 2, 1000);
    if (type == EarlyTerminate.Type.HYPERBAND) {
      long max = maxResource > 0 ? maxResource : maxSteps;
      if (max == Long.MAX_VALUE) {
        throw new SpecException(
            "early_terminate.max_resource",
            "missing; metric '"
                + metric
                + "' is not an epoch/* tag, so give the largest step a trial reaches");
      }
      if (max < minResource * eta) {
        throw new SpecException(
            "early_terminate",
            "max_resource "
                + max
                + " leaves no room for a rung:"
                + " it must be at least min_resource x reduction_factor = "
                + minResource * eta);
      }
    }
    return new EarlyTerminate(
        type,
        SpecReader.intValue(
            "early_terminate.n_startup_trials",
            m.get("n_startup_trials"),
            d.nStartupTrials(),
            0,
            1_000_000),
        SpecReader.integer(
            "early_terminate.n_warmup_steps",
            m.get("n_warmup_steps"),
            d.nWarmupSteps(),
            0,
            Long.MAX_VALUE),
        SpecReader.integer(
            "early_terminate.interval_steps",
            m.get("interval_steps"),
            d.intervalSteps(),
            1,
            Long.MAX_VALUE),
        SpecReader.intValue(
            "early_terminate.n_min_trials", m.get("n_min_trials"), d.nMinTrials(), 1, 1_000_000),
        minResource,
        maxResource,
        eta);
  }

  private static String alias(Map<String, Object> m, String name, String wandbName) {
    return m.containsKey(wandbName) && !m.containsKey(name) ? wandbName : name;
  }

  private static Map<String, Object> readTree(String text, String field) {
    return SpecParser.readMapping(text, field, "empty; expected a YAML mapping");
  }

  /** Parses YAML text into a tree (what trial specs are built from). */
  public static Map<String, Object> tree(String text) {
    return readTree(text, "spec");
  }

  private static boolean integral(Number n) {
    return integral(n.doubleValue());
  }

  private static boolean integral(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d);
  }
}
