package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CLI on input that is not a spec at all, or data it cannot read: one error line naming
 * the problem, never a stack trace. A broken plugin jar is listed as one problem line, without
 * PF4J's stack traces.
 */
class CliHostileInputTest {
  @TempDir Path dir;

  private CairnProcess.Result run(Path spec) throws Exception {
    return CairnProcess.run(dir.resolve("data"), 2, "run", spec.toString());
  }

  private static void assertNoTrace(CairnProcess.Result r) {
    assertThat(r.stderr())
        .doesNotContain("\tat ")
        .doesNotContain("Exception in thread")
        .doesNotContain("Caused by");
  }

  private static String base() {
    return "epochs: 1\ndataset: {plugin: xor}\nmodel: mlp\noptimizer: sgd\nloss: softmax-cross-entropy\n";
  }

  @Test
  void notASpecIsOneLine() throws Exception {
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, ("name: caf\u00e9\n" + base()).getBytes(StandardCharsets.ISO_8859_1));
    CairnProcess.Result r = run(latin1);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr())
        .contains("error: " + latin1 + ": spec: " + latin1 + " is not UTF-8 text");
    assertNoTrace(r);

    byte[] noise = new byte[4096];
    new Random(7).nextBytes(noise);
    Path random = dir.resolve("random.yaml");
    Files.write(random, noise);
    r = run(random);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("error: " + random + ": spec: ");
    assertNoTrace(r);

    Path folder = Files.createDirectory(dir.resolve("folder.yaml"));
    r = run(folder);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr())
        .contains("spec: " + folder + " is a directory; expected a YAML spec file");
    assertNoTrace(r);

    Path longName = dir.resolve("long.yaml");
    Files.writeString(longName, "name: " + "n".repeat(300) + "\n" + base());
    r = run(longName);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("name: 300 characters is not allowed; at most 255");
    assertNoTrace(r);
  }

  @Test
  void unreadableDatasetFailsTheRunInOneLine() throws Exception {
    Path spec = dir.resolve("csv.yaml");
    Files.writeString(
        spec,
        base()
            .replace("{plugin: xor}", "{plugin: csv, file: '" + dir.resolve("missing.csv") + "'}"));
    CairnProcess.Result r = run(spec);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr() + r.stdout()).contains("missing.csv");
    assertNoTrace(r);
  }

  @Test
  void aBrokenPluginJarIsOneProblemLineWithoutTraces() throws Exception {
    Path plugins = Files.createDirectory(dir.resolve("plugins"));
    try (Stream<Path> jars = Files.list(CairnProcess.HOME.resolve("plugins"))) {
      for (Path jar : jars.toList()) {
        Files.copy(jar, plugins.resolve(jar.getFileName()));
      }
    }
    Files.write(
        plugins.resolve("broken.jar"), "this is not a zip".getBytes(StandardCharsets.US_ASCII));
    CairnProcess.Result r =
        CairnProcess.run(dir.resolve("data"), 2, "runs", "--plugins-dir", plugins.toString());
    assertThat(r.exitCode()).isZero();
    assertNoTrace(r);
    assertThat(r.stderr().lines().filter(l -> l.contains("broken")).count()).isBetween(1L, 3L);
    assertThat(r.stderr().lines().count()).isLessThan(10);
  }
}
