package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.plugins.ExtensionKind;
import dev.cairn.core.plugins.InstalledExtension;
import dev.cairn.core.plugins.PluginProblem;
import dev.cairn.core.plugins.PluginRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real plugin jars, built in a temp folder: a corrupt jar and a plugin whose extension throws in
 * its constructor are reported by id and skipped; the built-in plugins still load.
 */
class PluginFaultsTest {
  @TempDir Path dir;

  @Test
  void badPluginsAreReportedAndSkipped() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    try (Stream<Path> jars = Files.list(CairnProcess.HOME.resolve("plugins"))) {
      for (Path jar : jars.toList()) {
        Files.copy(jar, plugins.resolve(jar.getFileName()));
      }
    }
    Files.write(
        plugins.resolve("corrupt.jar"), "this is not a zip file".getBytes(StandardCharsets.UTF_8));
    buildPlugin(
        plugins.resolve("broken-1.0.jar"),
        "broken",
        "BrokenModel",
        """
        package demo;
        @org.pf4j.Extension
        public class BrokenModel implements dev.cairn.spi.ModelProvider {
          public BrokenModel() { throw new IllegalStateException("boom in constructor"); }
          public String id() { return "broken"; }
          public String description() { return ""; }
          public java.util.List<dev.cairn.spi.ParamSpec> params() { return java.util.List.of(); }
          public ai.djl.nn.Block build(dev.cairn.spi.Params p, dev.cairn.spi.ModelContext c) { return null; }
        }
        """);
    buildPlugin(
        plugins.resolve("tiny-1.0.jar"),
        "tiny",
        "TinyModel",
        """
        package demo;
        @org.pf4j.Extension
        public class TinyModel implements dev.cairn.spi.ModelProvider {
          public String id() { return "tiny"; }
          public String description() { return "a plugin built by a test"; }
          public java.util.List<dev.cairn.spi.ParamSpec> params() { return java.util.List.of(); }
          public ai.djl.nn.Block build(dev.cairn.spi.Params p, dev.cairn.spi.ModelContext c) {
            return ai.djl.nn.core.Linear.builder().setUnits(1).build();
          }
        }
        """);

    try (PluginRegistry registry = PluginRegistry.load(plugins, "0.1.0")) {
      List<PluginProblem> problems = registry.problems();
      assertThat(problems)
          .anySatisfy(
              p -> {
                assertThat(p.pluginId()).isEqualTo("broken");
                assertThat(p.what()).isEqualTo("demo.BrokenModel");
                assertThat(p.reason()).contains("boom in constructor");
              });
      assertThat(problems).anySatisfy(p -> assertThat(p.pluginId()).isEqualTo("corrupt.jar"));
      assertThat(registry.list(ExtensionKind.MODEL).stream().map(InstalledExtension::id))
          .contains("linear", "softmax-regression", "mlp", "tiny")
          .doesNotContain("broken");
      assertThat(registry.find(ExtensionKind.MODEL, "tiny").orElseThrow().pluginId())
          .isEqualTo("tiny");
      assertThat(registry.list(ExtensionKind.DATASET)).isNotEmpty();
    }
    // unloaded: the jars can be deleted
    try (Stream<Path> jars = Files.list(plugins)) {
      for (Path jar : jars.toList()) {
        Files.delete(jar);
      }
    }
    assertThat(plugins).isEmptyDirectory();
  }

  private void buildPlugin(Path jar, String pluginId, String className, String source)
      throws IOException {
    Path src = Files.createDirectories(dir.resolve("src-" + pluginId + "/demo"));
    Path classes = Files.createDirectories(dir.resolve("classes-" + pluginId));
    Files.writeString(src.resolve(className + ".java"), source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc =
        javac.run(
            null,
            null,
            null,
            "-proc:none",
            "-cp",
            System.getProperty("java.class.path"),
            "-d",
            classes.toString(),
            src.resolve(className + ".java").toString());
    assertThat(rc).as("javac").isZero();
    Manifest manifest = new Manifest();
    Attributes a = manifest.getMainAttributes();
    a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    a.putValue("Plugin-Id", pluginId);
    a.putValue("Plugin-Version", "1.0.0");
    a.putValue("Plugin-Provider", "test");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      out.putNextEntry(new JarEntry("META-INF/extensions.idx"));
      out.write(("demo." + className + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
      out.putNextEntry(new JarEntry("demo/" + className + ".class"));
      out.write(Files.readAllBytes(classes.resolve("demo/" + className + ".class")));
      out.closeEntry();
    }
  }
}
