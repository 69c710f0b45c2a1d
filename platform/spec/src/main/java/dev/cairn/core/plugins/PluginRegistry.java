package dev.cairn.core.plugins;

import dev.cairn.spi.CairnExtension;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Suggest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads PF4J plugins from a folder and indexes their extensions by kind and id. A plugin that fails
 * to load, or an extension whose constructor throws, is recorded as a {@link PluginProblem} and
 * skipped; the others load. Extensions on the application class path (tests, embedding) are found
 * too, under plugin id {@code system}.
 */
public final class PluginRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);
  public static final String SYSTEM = "system";

  private final PluginManager manager;
  private final Map<ExtensionKind, Map<String, InstalledExtension>> byKind =
      new EnumMap<>(ExtensionKind.class);
  private final List<PluginProblem> problems = new ArrayList<>();

  private PluginRegistry(PluginManager manager) {
    this.manager = manager;
  }

  /**
   * Loads and starts every plugin in {@code pluginsDir} (missing folder = no plugins).
   *
   * @param systemVersion Cairn's version, checked against plugins' {@code Plugin-Requires}
   */
  public static PluginRegistry load(Path pluginsDir, String systemVersion) {
    List<Path> roots =
        pluginsDir != null && Files.isDirectory(pluginsDir) ? List.of(pluginsDir) : List.of();
    DefaultPluginManager manager =
        new DefaultPluginManager(roots) {
          {
            // a jar whose dependencies are missing is left out (a problem below), instead of
            // failing
            // every later load and the unload at close
            setResolveRecoveryStrategy(ResolveRecoveryStrategy.IGNORE_PLUGIN_AND_CONTINUE);
          }
        };
    manager.setSystemVersion(systemVersion.replace("-SNAPSHOT", ""));
    PluginRegistry registry = new PluginRegistry(manager);
    registry.loadAll(pluginsDir);
    return registry;
  }

  private void loadAll(Path pluginsDir) {
    if (pluginsDir != null && Files.isDirectory(pluginsDir)) {
      try (Stream<Path> files = Files.list(pluginsDir)) {
        files
            .filter(p -> p.toString().endsWith(".jar") || p.toString().endsWith(".zip"))
            .sorted()
            .forEach(this::loadOne);
      } catch (IOException e) {
        problems.add(new PluginProblem(pluginsDir.toString(), "plugins folder", e.toString()));
      }
    }
    for (PluginWrapper plugin : manager.getPlugins()) {
      if (plugin.getPluginState() != PluginState.STARTED) {
        try {
          PluginState state = manager.startPlugin(plugin.getPluginId());
          if (state != PluginState.STARTED) {
            problems.add(new PluginProblem(plugin.getPluginId(), "start", "plugin is " + state));
          }
        } catch (RuntimeException e) {
          problems.add(new PluginProblem(plugin.getPluginId(), "start", oneLine(e)));
        }
      }
    }
    leaveOutBrokenClasses();
    for (ExtensionKind kind : ExtensionKind.values()) {
      byKind.put(kind, new LinkedHashMap<>());
      index(kind);
    }
    problems.forEach(p -> LOG.warn("{}", p));
  }

  /**
   * Loads every extension class a started plugin lists; a plugin with a class the JVM refuses
   * (corrupt class file, wrong version) is stopped and left out with a problem, since PF4J's
   * extension lookup would fail on it for every plugin.
   */
  private void leaveOutBrokenClasses() {
    for (PluginWrapper plugin : List.copyOf(manager.getStartedPlugins())) {
      for (String name : manager.getExtensionClassNames(plugin.getPluginId())) {
        try {
          plugin.getPluginClassLoader().loadClass(name);
        } catch (ClassNotFoundException e) {
          // PF4J skips a listed class that is not there, silently: say so
          problems.add(
              new PluginProblem(
                  plugin.getPluginId(),
                  name,
                  "listed in META-INF/extensions.idx but not in"
                      + " the jar; the plugin's other extensions are loaded"));
        } catch (RuntimeException | LinkageError e) {
          problems.add(new PluginProblem(plugin.getPluginId(), name, "left out: " + oneLine(e)));
          try {
            manager.stopPlugin(plugin.getPluginId());
            manager.unloadPlugin(plugin.getPluginId());
          } catch (RuntimeException | LinkageError ignored) {
            // already recorded as a problem
          }
          break;
        }
      }
    }
  }

  private void loadOne(Path jar) {
    try {
      String id = manager.loadPlugin(jar);
      if (id != null && manager.getPlugin(id) == null) {
        problems.add(
            new PluginProblem(
                id,
                "load",
                "left out: the plugins it depends on (Plugin-Dependencies)"
                    + " are not installed or have another version"));
      }
    } catch (RuntimeException | LinkageError e) {
      problems.add(new PluginProblem(jar.getFileName().toString(), "load", oneLine(e)));
    }
  }

  private void index(ExtensionKind kind) {
    for (Class<? extends CairnExtension> cls : manager.getExtensionClasses(kind.type())) {
      PluginWrapper plugin = manager.whichPlugin(cls);
      String pluginId = plugin == null ? SYSTEM : plugin.getPluginId();
      String version =
          plugin == null ? manager.getSystemVersion() : plugin.getDescriptor().getVersion();
      CairnExtension ext;
      try {
        ext = (CairnExtension) manager.getExtensionFactory().create(cls);
        if (ext == null) {
          throw new IllegalStateException("extension factory returned nothing");
        }
        ext.id(); // a broken id() must not surface later, in the middle of a run
      } catch (RuntimeException | LinkageError e) {
        problems.add(new PluginProblem(pluginId, cls.getName(), oneLine(rootCause(e))));
        continue;
      }
      InstalledExtension previous =
          byKind
              .get(kind)
              .putIfAbsent(ext.id(), new InstalledExtension(kind, ext, pluginId, version));
      if (previous != null && !previous.extension().getClass().equals(cls)) {
        problems.add(
            new PluginProblem(
                pluginId,
                cls.getName(),
                kind.section()
                    + " id '"
                    + ext.id()
                    + "' is already provided by plugin '"
                    + previous.pluginId()
                    + "'; this one is skipped"));
      }
    }
  }

  /** Extensions of a kind, by id. */
  public List<InstalledExtension> list(ExtensionKind kind) {
    return byKind.get(kind).values().stream()
        .sorted(Comparator.comparing(InstalledExtension::id))
        .toList();
  }

  public Optional<InstalledExtension> find(ExtensionKind kind, String id) {
    return Optional.ofNullable(byKind.get(kind).get(id));
  }

  /**
   * The extension with this id, or a {@link SpecException} naming what is installed, e.g. {@code
   * model.plugin: 'mlpp' is not installed; installed models: linear, softmax-regression, mlp}.
   */
  public <T extends CairnExtension> T require(ExtensionKind kind, String id) {
    InstalledExtension found = byKind.get(kind).get(id);
    if (found == null) {
      var installed = new TreeSet<>(byKind.get(kind).keySet());
      String hint =
          Suggest.closest(id, installed).map(s -> " (did you mean '" + s + "'?)").orElse("");
      throw new SpecException(
          kind.section() + ".plugin",
          "'"
              + id
              + "' is not installed"
              + hint
              + "; installed "
              + kind.plural()
              + ": "
              + (installed.isEmpty() ? "none" : String.join(", ", installed)));
    }
    @SuppressWarnings("unchecked")
    T ext = (T) kind.type().cast(found.extension());
    return ext;
  }

  /** Loaded plugins: id to version. */
  public Map<String, String> pluginVersions() {
    Map<String, String> out = new LinkedHashMap<>();
    for (PluginWrapper p : manager.getStartedPlugins()) {
      out.put(p.getPluginId(), p.getDescriptor().getVersion());
    }
    return out;
  }

  public List<PluginProblem> problems() {
    return Collections.unmodifiableList(problems);
  }

  @Override
  public void close() {
    manager.stopPlugins();
    manager.unloadPlugins();
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  static String oneLine(Throwable e) {
    String msg =
        e.getMessage() == null
            ? e.getClass().getSimpleName()
            : e.getClass().getSimpleName() + ": " + e.getMessage();
    return msg.lines().findFirst().orElse(msg);
  }
}
