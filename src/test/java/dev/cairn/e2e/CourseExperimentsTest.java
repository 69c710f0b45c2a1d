package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cairn.core.tracking.H2TrackingStore;
import dev.cairn.core.tracking.media.H2MediaStore;
import dev.cairn.core.tracking.media.MediaStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every course experiment in experiments/ runs through the assembled distribution, most at reduced
 * scale (few examples, few epochs; the specs' full-scale outcomes are in experiments/RESULTS.md),
 * and the claims that hold at small scale are asserted: XOR, the perceptron, the batch sizes, the
 * quadratic race against d2l's figures, the sigmoid-sum ordering.
 */
class CourseExperimentsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  @TempDir Path dir;

  /** Reads a spec of experiments/, lets {@code edit} shrink it, writes it to the temp dir. */
  @SuppressWarnings("unchecked")
  private Path reduced(String name, Consumer<Map<String, Object>> edit) throws Exception {
    Path source = CairnProcess.REPO.resolve("experiments").resolve(name + ".yaml");
    Map<String, Object> spec = YAML.readValue(source.toFile(), LinkedHashMap.class);
    edit.accept(spec);
    Path out = dir.resolve(name + ".yaml");
    YAML.writeValue(out.toFile(), spec);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> spec, String key) {
    return (Map<String, Object>) spec.get(key);
  }

  /** A small slice of Fashion-MNIST and at most {@code epochs} epochs. */
  private static Consumer<Map<String, Object>> small(int limit, int epochs) {
    return spec -> {
      spec.put("epochs", Math.min(epochs, ((Number) spec.get("epochs")).intValue()));
      Map<String, Object> dataset = section(spec, "dataset");
      if ("fashion-mnist".equals(dataset.get("plugin"))) {
        dataset.put("limit", limit);
      }
      spec.put("logging", Map.of("everySteps", 2));
    };
  }

  /** The runs of {@code cairn run --json}: one object, or several under "runs". */
  private List<JsonObject> run(Path spec, Path data) throws Exception {
    CairnProcess.Result r = CairnProcess.run(data, 15, "run", spec.toString(), "--json");
    assertThat(r.exitCode())
        .as("exit code of %s; stderr:\n%s", spec.getFileName(), r.stderr())
        .isZero();
    JsonObject out = new JsonObject(r.stdout());
    List<JsonObject> runs = new ArrayList<>();
    if (out.containsKey("runs")) {
      out.getJsonArray("runs").forEach(o -> runs.add((JsonObject) o));
    } else {
      runs.add(out);
    }
    runs.forEach(
        run -> assertThat(run.getString("status")).as(run.getString("name")).isEqualTo("FINISHED"));
    return runs;
  }

  private List<JsonObject> run(Path spec) throws Exception {
    return run(spec, dir.resolve("data"));
  }

  private static JsonObject named(List<JsonObject> runs, String suffix) {
    return runs.stream()
        .filter(r -> r.getString("name").endsWith(suffix))
        .findFirst()
        .orElseThrow();
  }

  private static double metric(JsonObject run, String name) {
    return run.getJsonObject("metrics").getDouble(name);
  }

  private static float[] point(JsonObject run) {
    JsonArray v = run.getJsonObject("parameters").getJsonObject("x").getJsonArray("values");
    return new float[] {v.getFloat(0), v.getFloat(1)};
  }

  @Test
  void everyExperimentHasAnExpectationComment() throws Exception {
    try (Stream<Path> files = Files.list(CairnProcess.REPO.resolve("experiments"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        if (f.getFileName().toString().startsWith("sweep-")) {
          continue;
        }
        assertThat(Files.readString(f))
            .as(f.getFileName().toString())
            .startsWith("#")
            .contains("Expected");
      }
    }
  }

  @Test
  void xorPerceptronCannotMlpCan() throws Exception {
    List<JsonObject> runs =
        run(CairnProcess.REPO.resolve("experiments/xor-perceptron-vs-mlp.yaml"));
    assertThat(metric(named(runs, "-perceptron"), "test/accuracy")).isLessThanOrEqualTo(0.75);
    assertThat(metric(named(runs, "-mlp"), "test/accuracy")).isEqualTo(1.0);
    assertThat(runs).extracting(r -> r.getString("experiment")).containsOnly("xor");
  }

  @Test
  void batchSizeOneTakesManyNoisyStepsTheFullBatchFewSmoothOnes() throws Exception {
    List<JsonObject> runs = run(CairnProcess.REPO.resolve("experiments/batchsize-1-vs-full.yaml"));
    JsonObject one = named(runs, "-batch1");
    JsonObject full = named(runs, "-batch20");
    assertThat(one.getLong("steps")).isEqualTo(400);
    assertThat(full.getLong("steps")).isEqualTo(20);
    try (var store = H2TrackingStore.openInDirectory(dir.resolve("data"))) {
      double[] smooth =
          store.readSeries(full.getString("id"), "train/loss", 0).orElseThrow().values();
      double[] noisy =
          store.readSeries(one.getString("id"), "train/loss", 0).orElseThrow().values();
      for (int i = 1; i < smooth.length; i++) {
        assertThat(smooth[i]).as("full-batch step %d", i).isLessThan(smooth[i - 1]);
      }
      int ups = 0;
      for (int i = 1; i < noisy.length; i++) {
        ups += noisy[i] > noisy[i - 1] ? 1 : 0;
      }
      assertThat(ups).as("steps where batch 1's loss went up").isGreaterThan(100);
    }
  }

  @Test
  void quadraticRaceMatchesD2lsTrajectories() throws Exception {
    List<JsonObject> runs =
        run(CairnProcess.REPO.resolve("experiments/optimizer-race-quadratic.yaml"));
    // d2l, chapter "Optimization Algorithms", f = 0.1 x1^2 + 2 x2^2 from (-5, -2), 20 steps
    assertThat(point(named(runs, "-sgd"))[0]).isCloseTo(-0.943467f, within(1e-4f));
    assertThat(point(named(runs, "-momentum"))[0]).isCloseTo(0.007188f, within(1e-4f));
    assertThat(point(named(runs, "-momentum"))[1]).isCloseTo(0.002553f, within(1e-4f));
    assertThat(point(named(runs, "-adagrad"))[0]).isCloseTo(-2.382563f, within(1e-4f));
    assertThat(point(named(runs, "-adagrad"))[1]).isCloseTo(-0.158591f, within(1e-4f));
    assertThat(point(named(runs, "-rmsprop"))[0]).isCloseTo(-0.010599f, within(1e-4f));
    double sgd = metric(named(runs, "-sgd"), "train/loss");
    assertThat(metric(named(runs, "-momentum"), "train/loss")).isLessThan(sgd);
    assertThat(metric(named(runs, "-rmsprop"), "train/loss")).isLessThan(sgd);
    assertThat(metric(named(runs, "-adagrad"), "train/loss")).isGreaterThan(sgd);

    // each run logged its path: x1, x2 per update and a contour image per epoch, in the store
    try (var store = H2TrackingStore.openInDirectory(dir.resolve("data"))) {
      var media = new H2MediaStore(store.database());
      for (JsonObject r : runs) {
        String id = r.getString("id");
        var x1 = store.readSeries(id, "trajectory/x1", 1000).orElseThrow();
        assertThat(x1.steps()).as(r.getString("name")).hasSize(20).startsWith(1L).endsWith(20L);
        assertThat((float) x1.values()[19])
            .as(r.getString("name"))
            .isCloseTo(point(r)[0], within(1e-6f));
        var images = media.images(id, "trajectory", MediaStore.MAX_PAGE, 0);
        assertThat(images).as(r.getString("name")).hasSize(20);
        assertThat(images.get(19).caption()).startsWith("x = (").contains("after 20 updates");
        byte[] png = media.imagePng(id, "trajectory", 20).orElseThrow();
        var image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(480);
      }
    }
  }

  @Test
  void sumOfSigmoidsFitsBetterWithMoreUnits() throws Exception {
    Path spec =
        reduced(
            "sigmoid-sum-fit",
            s -> {
              s.put("epochs", 60);
              s.put("variants", ((List<?>) s.get("variants")).subList(0, 4));
            });
    List<JsonObject> runs = run(spec);
    double k1 = metric(named(runs, "-k1"), "test/loss");
    double k3 = metric(named(runs, "-k3"), "test/loss");
    double k10 = metric(named(runs, "-k10"), "test/loss");
    double k50 = metric(named(runs, "-k50"), "test/loss");
    assertThat(k1).isGreaterThan(k3);
    assertThat(k3).isGreaterThan(k10);
    assertThat(k1).isGreaterThan(k50);
    assertThat(named(runs, "-k50").getLong("parameterCount")).isEqualTo(151);
  }

  @Test
  void fashionMnistExperimentsRunAtReducedScale() throws Exception {
    for (String name :
        List.of(
            "softmax-fashion-mnist",
            "mlp-fashion-mnist",
            "optimizer-race",
            "cnn-bn",
            "two-class-linear-vs-mlp",
            "lenet-fashion-mnist",
            "batchsize-sweep")) {
      List<JsonObject> runs = run(reduced(name, small(256, 1)));
      runs.forEach(
          r -> assertThat(metric(r, "test/accuracy")).as(r.getString("name")).isBetween(0.0, 1.0));
    }
    // the schedules need a few updates: 4 batches, a 2-step warm-up
    List<JsonObject> schedules =
        run(
            reduced(
                "lr-schedule",
                s -> {
                  small(1024, 1).accept(s);
                  for (Object v : (List<?>) s.get("variants")) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> optimizer =
                        (Map<String, Object>) ((Map<String, Object>) v).get("optimizer");
                    if (optimizer != null && optimizer.containsKey("warmupSteps")) {
                      optimizer.put("warmupSteps", 2);
                    }
                  }
                }));
    assertThat(schedules).hasSize(5);
  }

  @Test
  void heavierExperimentsRunAtReducedScale() throws Exception {
    List<JsonObject> depth = run(reduced("depth-vs-optimisation", small(128, 1)));
    assertThat(depth).hasSize(3);
    List<JsonObject> vgg = run(reduced("vgg-vs-nin", small(128, 1)));
    assertThat(named(vgg, "-nin").getLong("parameterCount"))
        .isLessThan(named(vgg, "-vgg11").getLong("parameterCount") / 5);
    List<JsonObject> overfit = run(reduced("under-overfit", small(200, 2)));
    assertThat(overfit).hasSize(4);
    assertThat(metric(named(overfit, "-plain"), "validation/accuracy")).isBetween(0.0, 1.0);
  }

  @Test
  void sequenceAndRatingsExperimentsRunAtReducedScale() throws Exception {
    List<JsonObject> rnn =
        run(
            reduced(
                "rnn-sine",
                s -> {
                  s.put("epochs", 1);
                  section(s, "dataset").put("length", 120);
                }));
    assertThat(rnn)
        .extracting(r -> r.getString("name"))
        .containsExactly("rnn-sine-rnn", "rnn-sine-gru", "rnn-sine-lstm");
    List<JsonObject> mf = run(reduced("matrix-factorization", s -> s.put("epochs", 3)));
    assertThat(metric(mf.get(0), "test/loss")).isLessThan(1.0);
    List<JsonObject> linear = run(CairnProcess.REPO.resolve("experiments/linear-regression.yaml"));
    assertThat(metric(linear.get(0), "train/loss")).isLessThan(1e-3);
  }

  @Test
  void cifarQuickRunsOnCifarFilesInTheDataDir() throws Exception {
    // CIFAR-10's binary format, a few records per batch file, where the plugin caches downloads
    Path data = dir.resolve("cifar-data");
    Path cache = Files.createDirectories(data.resolve("datasets/cifar-10"));
    List<String> files =
        List.of(
            "data_batch_1.bin",
            "data_batch_2.bin",
            "data_batch_3.bin",
            "data_batch_4.bin",
            "data_batch_5.bin",
            "test_batch.bin");
    for (int f = 0; f < files.size(); f++) {
      byte[] records = new byte[20 * 3073];
      for (int i = 0; i < 20; i++) {
        records[i * 3073] = (byte) (i % 10);
        for (int p = 1; p < 3073; p++) {
          records[i * 3073 + p] = (byte) ((i * 7 + p + f) % 256);
        }
      }
      Files.write(cache.resolve(files.get(f)), records);
    }
    List<JsonObject> runs = run(reduced("cifar-quick", s -> s.put("epochs", 1)), data);
    assertThat(metric(runs.get(0), "test/top5_accuracy")).isBetween(0.0, 1.0);
    assertThat(runs.get(0).getJsonObject("params").getString("model.plugin"))
        .isEqualTo("cifar-quick");
  }

  @Test
  void fineTunedRunLoadsTheSourceAndExportsToOnnx() throws Exception {
    Path data = dir.resolve("tune-data");
    List<JsonObject> runs =
        run(
            reduced(
                "fine-tune",
                s -> {
                  small(600, 1).accept(s);
                  for (Object v : (List<?>) s.get("variants")) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> variant = (Map<String, Object>) v;
                    if (variant.containsKey("epochs")) {
                      variant.put("epochs", 2);
                    }
                  }
                }),
            data);
    JsonObject source = named(runs, "-source");
    JsonObject tuned = named(runs, "-finetuned");
    assertThat(tuned.getJsonObject("params").getString("training.fineTune.from"))
        .isEqualTo("fine-tune-source");
    CairnProcess.Result export =
        CairnProcess.run(
            data,
            5,
            "export",
            tuned.getString("id"),
            "--out",
            data.resolve("finetuned.onnx").toString());
    assertThat(export.exitCode()).as(export.stderr()).isZero();
    assertThat(export.stdout()).contains("verified");
    assertThat(source.getString("id")).isNotEqualTo(tuned.getString("id"));
  }
}
