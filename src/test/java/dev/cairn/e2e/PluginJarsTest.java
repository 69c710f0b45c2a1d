package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every plugin jar the distribution ships is a well-formed PF4J plugin that carries only its own
 * classes. A jar bundling the SPI, PF4J or DJL would load its own copies of those classes, and the
 * host would then see no extensions or hit ClassCastExceptions.
 */
class PluginJarsTest {
  private static final List<String> HOST_PACKAGES =
      List.of("dev/cairn/spi/", "org/pf4j/", "ai/djl/");

  private static Path pluginsDir;
  private static List<Path> jars;

  @BeforeAll
  static void findJars() throws IOException {
    String home = System.getProperty("cairn.home");
    assertThat(home).as("system property cairn.home").isNotBlank();
    pluginsDir = Path.of(home, "plugins");
    assertThat(pluginsDir)
        .as("plugins folder of the distribution (build platform/dist first)")
        .isDirectory();
    try (Stream<Path> files = Files.list(pluginsDir)) {
      jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    }
    assertThat(jars).as("plugin jars in " + pluginsDir).isNotEmpty();
  }

  @Test
  void theBuiltInPluginsAreThere() {
    List<String> ids = jars.stream().map(PluginJarsTest::pluginId).toList();
    assertThat(ids)
        .contains("builtin-datasets", "builtin-models", "builtin-optimizers", "builtin-losses");
  }

  @Test
  void everyJarHasAPluginIdAndAnExtensionIndex() throws IOException {
    for (Path jar : jars) {
      try (JarFile file = new JarFile(jar.toFile())) {
        assertThat(pluginId(jar)).as(jar.getFileName() + ": Plugin-Id manifest entry").isNotBlank();
        JarEntry index = file.getJarEntry("META-INF/extensions.idx");
        assertThat(index).as(jar.getFileName() + ": META-INF/extensions.idx").isNotNull();
        String text = new String(file.getInputStream(index).readAllBytes(), StandardCharsets.UTF_8);
        assertThat(text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")))
            .as(jar.getFileName() + ": extensions listed in META-INF/extensions.idx")
            .isNotEmpty();
      }
    }
  }

  @Test
  void noJarBundlesHostClasses() throws IOException {
    for (Path jar : jars) {
      try (JarFile file = new JarFile(jar.toFile())) {
        List<String> bundled =
            file.stream()
                .map(JarEntry::getName)
                .filter(name -> HOST_PACKAGES.stream().anyMatch(name::startsWith))
                .toList();
        assertThat(bundled)
            .as(
                jar.getFileName()
                    + " must not bundle classes the host provides ("
                    + HOST_PACKAGES
                    + ")")
            .isEmpty();
      }
    }
  }

  private static String pluginId(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      return manifest == null ? null : manifest.getMainAttributes().getValue("Plugin-Id");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jar, e);
    }
  }
}
