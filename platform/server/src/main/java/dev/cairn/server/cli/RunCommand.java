package dev.cairn.server.cli;

import dev.cairn.client.CairnClientException;
import dev.cairn.core.Provenance;
import dev.cairn.core.plugins.PluginRegistry;
import dev.cairn.core.spec.ExperimentSpec;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.core.spec.SpecResolver;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.training.TrainingResult;
import dev.cairn.server.RunOutcome;
import dev.cairn.server.json.JsonMapping;
import dev.cairn.spi.SpecException;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn run spec.yaml}: validate, train with a live progress bar, print a summary. A spec
 * with {@code variants:} trains each variant as its own run, one after the other.
 */
@Command(name = "run", description = "Train the experiment described by a spec file and record it.")
final class RunCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin ThreadsOption threads;
  @Mixin ServerOption server;

  @Parameters(index = "0", paramLabel = "SPEC", description = "Experiment spec (YAML).")
  Path specFile;

  @Option(
      names = "--json",
      description =
          "Print one JSON object on stdout (run id, status, params, final metrics, small models' weights); progress goes to stderr.")
  boolean json;

  @Option(
      names = "--serve",
      description = "Keep serving the REST API after the run (Ctrl-C to stop).")
  boolean serve;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "HTTP port for --serve (default ${DEFAULT-VALUE}).")
  int port;

  @Override
  public Integer call() throws Exception {
    if (!threads.apply()) {
      return CairnCli.USAGE;
    }
    List<ExperimentSpec> specs;
    try {
      specs = SpecParser.parseAllFile(specFile);
    } catch (SpecException e) {
      System.err.println("error: " + specFile + ": " + e.getMessage());
      return CairnCli.USAGE;
    }
    Optional<ServerLink> link;
    try {
      link = server.locate(common);
    } catch (ServerLink.Unreachable e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    }
    if (link.isPresent()) {
      if (serve) {
        System.err.println(
            "error: --serve: a Cairn server already serves this data directory at "
                + link.get().url());
        return CairnCli.USAGE;
      }
      return runThroughServer(specs, link.get());
    }
    PlatformCommand.Handle handle = PlatformCommand.start(common.resolve());
    if (handle == null) {
      return 1;
    }
    try (handle) {
      // every variant is checked before the first one trains
      List<ResolvedSpec> resolved = new ArrayList<>();
      for (ExperimentSpec spec : specs) {
        try {
          resolved.add(handle.platform.runs().resolve(spec));
        } catch (SpecException e) {
          String which = specs.size() > 1 ? " (variant " + spec.name() + ")" : "";
          System.err.println("error: " + specFile + which + ": " + e.getMessage());
          return CairnCli.USAGE;
        }
      }
      Path workDir = specFile.toAbsolutePath().getParent();
      JsonArray all = new JsonArray();
      boolean finished = true;
      for (int i = 0; i < resolved.size(); i++) {
        ResolvedSpec one = resolved.get(i);
        if (resolved.size() > 1) {
          System.err.printf("variant %d/%d: %s%n", i + 1, resolved.size(), one.spec().name());
        }
        Promise<RunOutcome> outcome = Promise.promise();
        handle
            .platform
            .runs()
            .submit(
                one, workDir, new ConsoleProgress(System.err, System.console() != null), outcome)
            .toCompletionStage()
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
        RunOutcome result = outcome.future().toCompletionStage().toCompletableFuture().get();
        finished &= result.status() == RunStatus.FINISHED;
        if (json) {
          all.add(toJson(one, result));
        } else {
          printSummary(System.out, one, result);
        }
      }
      if (json) {
        // one variant: the run's object, as before variants existed; several: all of them
        System.out.println(
            all.size() == 1
                ? all.getJsonObject(0).encodePrettily()
                : new JsonObject()
                    .put("experiment", resolved.get(0).spec().experiment())
                    .put("runs", all)
                    .encodePrettily());
      }
      if (serve) {
        ServeCommand.serveUntilStopped(handle.platform, "127.0.0.1", port);
      }
      return finished ? 0 : 1;
    }
  }

  /**
   * While a server owns the store: trains here, logs through the server's tracking API (the run
   * shows live in its dashboard), prints the same summary.
   */
  private int runThroughServer(List<ExperimentSpec> specs, ServerLink link) throws Exception {
    var options = common.resolve();
    try (PluginRegistry plugins =
        PluginRegistry.load(options.pluginsDir(), Provenance.cairnVersion())) {
      SpecResolver resolver = new SpecResolver(plugins);
      List<ResolvedSpec> resolved = new ArrayList<>();
      for (ExperimentSpec spec : specs) {
        try {
          resolved.add(resolver.resolve(spec));
        } catch (SpecException e) {
          String which = specs.size() > 1 ? " (variant " + spec.name() + ")" : "";
          System.err.println("error: " + specFile + which + ": " + e.getMessage());
          return CairnCli.USAGE;
        }
      }
      System.err.println(
          "logging to the server at "
              + link.url()
              + " (it owns the store in "
              + options.dataDir()
              + ")");
      Path workDir = specFile.toAbsolutePath().getParent();
      JsonArray all = new JsonArray();
      boolean finished = true;
      try (ServerRun runner = new ServerRun(link, options, plugins)) {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook =
            new Thread(
                () -> {
                  String active = runner.active();
                  if (active != null) {
                    System.err.println();
                    System.err.println(
                        "stopping: run "
                            + active
                            + " stops after its current batch and is marked KILLED");
                    runner.cancel();
                    try {
                      done.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                },
                "cairn-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
          for (int i = 0; i < resolved.size(); i++) {
            ResolvedSpec one = resolved.get(i);
            if (resolved.size() > 1) {
              System.err.printf("variant %d/%d: %s%n", i + 1, resolved.size(), one.spec().name());
            }
            RunOutcome result =
                runner.train(
                    one, workDir, new ConsoleProgress(System.err, System.console() != null));
            finished &= result.status() == RunStatus.FINISHED;
            if (json) {
              all.add(toJson(one, result));
            } else {
              printSummary(System.out, one, result);
            }
          }
        } catch (CairnClientException e) {
          System.err.println("error: " + e.getMessage());
          return 1;
        } finally {
          done.countDown();
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException shuttingDown) {
            // the hook is running
          }
        }
      }
      if (json) {
        System.out.println(
            all.size() == 1
                ? all.getJsonObject(0).encodePrettily()
                : new JsonObject()
                    .put("experiment", resolved.get(0).spec().experiment())
                    .put("runs", all)
                    .encodePrettily());
      }
      return finished ? 0 : 1;
    }
  }

  static JsonObject toJson(ResolvedSpec resolved, RunOutcome outcome) {
    JsonObject out =
        new JsonObject()
            .put("id", outcome.runId())
            .put("name", outcome.name())
            .put("experiment", resolved.spec().experiment())
            .put("status", outcome.status().name())
            .put("params", new JsonObject(new LinkedHashMap<>(resolved.flatParams())));
    if (outcome.error() != null) {
      out.put("error", outcome.error());
    }
    if (outcome.result() != null) {
      JsonObject r = JsonMapping.toJson(outcome.result());
      out.put("device", r.getString("device"))
          .put("seconds", r.getDouble("seconds"))
          .put("steps", r.getLong("steps"))
          .put("parameterCount", r.getLong("parameterCount"))
          .put("metrics", r.getJsonObject("metrics"))
          .put("parameters", r.getJsonObject("parameters"));
    }
    return out;
  }

  static void printSummary(PrintStream out, ResolvedSpec resolved, RunOutcome outcome) {
    out.println();
    TrainingResult r = outcome.result();
    if (r != null) {
      out.printf(
          Locale.ROOT,
          "run %s  %s/%s  %s on %s in %.1f s (%d steps)%n",
          outcome.runId(),
          resolved.spec().experiment(),
          outcome.name(),
          outcome.status(),
          r.device(),
          r.seconds(),
          r.steps());
      Table table = new Table("metric", "value");
      r.metrics().forEach((k, v) -> table.row(k, ConsoleProgress.fmt(v)));
      table.print(out);
      if (!r.parameters().isEmpty() && r.parameterCount() <= 64) {
        out.println();
        Table params = new Table("parameter", "shape", "values");
        r.parameters()
            .forEach(
                (name, p) -> {
                  StringBuilder values = new StringBuilder();
                  for (float v : p.values()) {
                    values
                        .append(values.length() == 0 ? "" : ", ")
                        .append(String.format(Locale.ROOT, "%.4f", v));
                  }
                  params.row(name, Arrays.toString(p.shape()), values);
                });
        params.print(out);
      }
    } else {
      out.printf(
          "run %s  %s/%s  %s: %s%n",
          outcome.runId(),
          resolved.spec().experiment(),
          outcome.name(),
          outcome.status(),
          outcome.error());
    }
    out.println("run id: " + outcome.runId());
  }
}
