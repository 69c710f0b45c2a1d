package dev.cairn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code cairn predict} end to end, as a user runs it: the launcher {@code tools/cairn} (ONNX
 * Runtime's natives unpacked once, a class-data-sharing archive, the client compiler only) against
 * a bare {@code java -cp lib/* CairnCli} of the same distribution, on an MLP 784-256-10 file and on
 * a registered model id (the launcher reads {@code models/<id>.onnx} under the data directory; the
 * bare run is pointed at the same store by {@code --jdbc-url}, the path that opens H2 and Flyway).
 * Rounds alternate the variants; medians and ratios are printed with the load average.
 *
 * <p>Usage: {@code tools/bench/run predict-cli [rounds=7]} (needs {@code tools/cairn} built once)
 */
public final class PredictCliBench {
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    Path repo = Path.of("").toAbsolutePath();
    Path home = repo.resolve("platform/dist/target/cairn");
    if (!Files.isDirectory(home.resolve("lib"))) {
      throw new IllegalStateException(
          "no distribution in " + home + "; run tools/cairn --help once to build it");
    }
    Path dir = Files.createTempDirectory("cairn-predict-cli");
    Path file = dir.resolve("mlp.onnx");
    Files.write(file, ServingBench.mlp());
    Path input = dir.resolve("x.json");
    Files.writeString(input, ServingBench.nested(new float[784], 1));
    Path data = dir.resolve("data");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> bare =
        List.of(
            java, "-Dcairn.home=" + home, "-cp", home + "/lib/*", "dev.cairn.server.cli.CairnCli");
    List<String> launcher = List.of(repo.resolve("tools/cairn").toString());
    run(concat(bare, "import", file.toString(), "--data-dir", data.toString()));
    String id;
    try (var models = Files.list(data.resolve("models"))) {
      id = models.findFirst().orElseThrow().getFileName().toString().replace(".onnx", "");
    }
    String jdbc = "jdbc:h2:file:" + data.resolve("cairn");
    Map<String, List<String>> variants = new LinkedHashMap<>();
    variants.put(
        "bare java, FILE.onnx",
        concat(bare, "predict", file.toString(), "--input", input.toString()));
    variants.put(
        "tools/cairn, FILE.onnx",
        concat(launcher, "predict", file.toString(), "--input", input.toString()));
    variants.put(
        "bare java, model id (H2)",
        concat(
            bare,
            "predict",
            id,
            "--jdbc-url",
            jdbc,
            "--data-dir",
            data.toString(),
            "--input",
            input.toString()));
    variants.put(
        "tools/cairn, model id",
        concat(
            launcher, "predict", id, "--data-dir", data.toString(), "--input", input.toString()));
    variants
        .values()
        .forEach(PredictCliBench::run); // warm the page cache; the launcher writes its archive
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    variants.keySet().forEach(k -> seconds.put(k, new ArrayList<>()));
    System.out.printf(
        Locale.ROOT,
        "load average before: %s%n",
        Files.readString(Path.of("/proc/loadavg")).trim());
    for (int r = 0; r < rounds; r++) {
      List<String> order = new ArrayList<>(variants.keySet());
      if (r % 2 == 1) {
        Collections.reverse(order);
      }
      for (String k : order) {
        long t0 = System.nanoTime();
        run(variants.get(k));
        seconds.get(k).add((System.nanoTime() - t0) / 1e9);
      }
    }
    System.out.printf(
        Locale.ROOT, "load average after: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    Map<String, Double> medians = new LinkedHashMap<>();
    seconds.forEach(
        (k, v) -> {
          List<Double> sorted = new ArrayList<>(v);
          Collections.sort(sorted);
          medians.put(k, sorted.get(sorted.size() / 2));
          System.out.printf(
              Locale.ROOT, "%-28s median %.2f s  (all: %s)%n", k, medians.get(k), format(v));
        });
    List<String> keys = new ArrayList<>(medians.keySet());
    System.out.printf(
        Locale.ROOT,
        "launcher / bare: file %.2f, model id %.2f%n",
        medians.get(keys.get(1)) / medians.get(keys.get(0)),
        medians.get(keys.get(3)) / medians.get(keys.get(2)));
  }

  static List<String> concat(List<String> head, String... tail) {
    List<String> out = new ArrayList<>(head);
    out.addAll(List.of(tail));
    return out;
  }

  static String format(List<Double> v) {
    return v.stream().map(d -> String.format(Locale.ROOT, "%.2f", d)).toList().toString();
  }

  static void run(List<String> command) {
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("CAIRN_SKIP_BUILD", "1");
      int rc = pb.start().waitFor();
      if (rc != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited " + rc);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
