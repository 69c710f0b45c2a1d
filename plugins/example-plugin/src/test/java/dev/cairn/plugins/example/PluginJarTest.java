package dev.cairn.plugins.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.ModelProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;

/**
 * What installing the plugin does: a jar with this module's classes and PF4J's manifest entries,
 * dropped into a plugins folder, is found, started, asked for its extensions, unloaded and deleted.
 */
class PluginJarTest {
  @TempDir Path plugins;

  @Test
  void loadsFromAJarInThePluginsFolderAndUnloads() throws Exception {
    Path jar = writePluginJar(plugins.resolve("cairn-example-plugin.jar"));
    PluginManager manager = new JarPluginManager(plugins);
    manager.loadPlugins();
    manager.startPlugins();

    assertThat(manager.getPlugin("example").getPluginState()).isEqualTo(PluginState.STARTED);
    List<DatasetProvider> datasets = manager.getExtensions(DatasetProvider.class, "example");
    List<ModelProvider> models = manager.getExtensions(ModelProvider.class, "example");
    assertThat(datasets).extracting(DatasetProvider::id).containsExactly("two-spirals");
    assertThat(models).extracting(ModelProvider::id).containsExactly("residual-mlp");
    assertThat(datasets.get(0).getClass().getClassLoader())
        .as("loaded from the plugin jar, not the test classpath")
        .isNotSameAs(getClass().getClassLoader());

    assertThat(manager.unloadPlugin("example")).isTrue();
    manager.stopPlugins();
    Files.delete(jar);
    assertThat(plugins).isEmptyDirectory();
  }

  /** The jar Maven builds: compiled classes plus the manifest entries from plugins/pom.xml. */
  private static Path writePluginJar(Path jar) throws Exception {
    Path classes =
        Path.of(
            TwoSpiralsDataset.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.putValue("Plugin-Id", "example");
    main.putValue("Plugin-Version", "0.1.0");
    main.putValue("Plugin-Provider", "Cairn");
    main.putValue("Plugin-Requires", "*");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest);
        Stream<Path> files = Files.walk(classes)) {
      for (Path path : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
        Files.copy(path, out);
        out.closeEntry();
      }
    } catch (IOException e) {
      throw new IOException("could not write " + jar, e);
    }
    return jar;
  }
}
