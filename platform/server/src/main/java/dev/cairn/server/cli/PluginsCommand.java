package dev.cairn.server.cli;

import dev.cairn.core.Provenance;
import dev.cairn.core.plugins.ExtensionKind;
import dev.cairn.core.plugins.InstalledExtension;
import dev.cairn.core.plugins.PluginProblem;
import dev.cairn.core.plugins.PluginRegistry;
import dev.cairn.server.json.JsonMapping;
import dev.cairn.spi.ParamSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cairn plugins}: what is installed, with parameters and defaults. */
@Command(
    name = "plugins",
    description = "List installed datasets, models, optimizers and losses with their parameters.")
final class PluginsCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--json", description = "Print JSON on stdout.")
  boolean json;

  @Override
  public Integer call() {
    try (PluginRegistry registry =
        PluginRegistry.load(common.resolve().pluginsDir(), Provenance.cairnVersion())) {
      PrintStream out = System.out;
      if (json) {
        JsonArray extensions = new JsonArray();
        for (ExtensionKind kind : ExtensionKind.values()) {
          registry.list(kind).forEach(e -> extensions.add(JsonMapping.toJson(e)));
        }
        JsonArray problems = new JsonArray();
        registry
            .problems()
            .forEach(
                p ->
                    problems.add(
                        new JsonObject()
                            .put("plugin", p.pluginId())
                            .put("what", p.what())
                            .put("reason", p.reason())));
        out.println(
            new JsonObject()
                .put("extensions", extensions)
                .put("problems", problems)
                .encodePrettily());
        return 0;
      }
      for (ExtensionKind kind : ExtensionKind.values()) {
        out.println(kind.plural().toUpperCase());
        for (InstalledExtension e : registry.list(kind)) {
          out.printf(
              "  %-22s %s  [%s %s]%n",
              e.id(), e.extension().description(), e.pluginId(), e.pluginVersion());
          for (ParamSpec p : e.extension().params()) {
            String dflt =
                p.required()
                    ? "required"
                    : "default " + ("".equals(p.defaultValue()) ? "\"\"" : p.defaultValue());
            out.printf("      %-18s %s; %s. %s%n", p.name(), p.allowed(), dflt, p.description());
          }
        }
        if (registry.list(kind).isEmpty()) {
          out.println("  (none)");
        }
        out.println();
      }
      for (PluginProblem p : registry.problems()) {
        System.err.println("warning: " + p);
      }
      return 0;
    }
  }
}
