package dev.cairn.server.cli;

import dev.cairn.core.sweep.SweepRecord;
import dev.cairn.core.sweep.SweepSpec;
import dev.cairn.core.sweep.SweepSpecParser;
import dev.cairn.core.sweep.SweepStatus;
import dev.cairn.core.sweep.TrialRecord;
import dev.cairn.core.sweep.TrialState;
import dev.cairn.core.sweep.ValueKeys;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.cluster.ClusterOptions;
import dev.cairn.server.cluster.ClusterSecret;
import dev.cairn.server.cluster.LocalWorkers;
import dev.cairn.server.sweep.SweepAddresses;
import dev.cairn.server.sweep.SweepControllerVerticle;
import dev.cairn.server.sweep.SweepHead;
import dev.cairn.spi.SpecException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn sweep sweep.yaml}: runs a hyperparameter sweep in this process, {@code parallel}
 * trials at once, printing a line per trial and a table at the end. Started again with the same
 * file after a stop or a crash, it resumes the sweep: finished trials stay, unfinished ones are
 * retried.
 */
@Command(
    name = "sweep",
    description = "Run a hyperparameter sweep (resumes an unfinished one from the same file).")
final class SweepCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin ThreadsOption threads;
  @Mixin ServerOption server;

  @Parameters(index = "0", paramLabel = "SWEEP", description = "Sweep spec (YAML).")
  Path sweepFile;

  @Option(
      names = "--run-cap",
      defaultValue = "0",
      description = "Run at most N trials (overrides run_cap).")
  int runCap;

  @Option(
      names = "--parallel",
      defaultValue = "0",
      description = "Trials at once (overrides parallel).")
  int parallel;

  @Option(
      names = "--json",
      description = "Print the sweep and its trials as one JSON object on stdout.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    String sweepText;
    SweepSpec spec;
    try {
      if (runCap < 0 || parallel < 0) {
        throw new SpecException("--run-cap", "must be >= 1");
      }
      spec = SweepSpecParser.parseFile(sweepFile).withLimits(runCap, parallel);
      sweepText = Files.readString(sweepFile, StandardCharsets.UTF_8);
    } catch (SpecException e) {
      System.err.println("error: " + sweepFile + ": " + e.getMessage());
      return CairnCli.USAGE;
    }
    try {
      var link = server.locate(common);
      if (link.isPresent()) {
        return throughServer(link.get(), spec, sweepText);
      }
    } catch (ServerLink.Unreachable e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    } catch (ServerLink.Refused e) {
      System.err.println("error: " + sweepFile + ": " + e.getMessage());
      return e.status == 400 ? CairnCli.USAGE : 1;
    }
    // parallel trials share this machine's cores: without --threads each JVM gets its share
    int share =
        Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, spec.parallel()));
    if (!threads.apply(spec.parallel() > 1 ? share : 0)) {
      return CairnCli.USAGE;
    }
    CairnOptions options = common.resolve();
    // one JVM trains one model at a time (DJL's PyTorch engine), so parallel trials train in local
    // worker JVMs joined to this one over the clustered event bus on 127.0.0.1
    // (with a secret of their own, so that no other process on this machine can join)
    int clusterPort = spec.parallel() > 1 ? LocalWorkers.freePort() : 0;
    String clusterSecret = ClusterSecret.random();
    try (LocalWorkers workers =
        spec.parallel() > 1
            ? LocalWorkers.start(
                spec.parallel() - 1,
                clusterPort,
                clusterSecret,
                options,
                options.dataDir().resolve("logs"),
                threads.threads != null ? threads.threads : share)
            : null) {
      return sweep(options, clusterPort, clusterSecret, spec, sweepText);
    }
  }

  private int sweep(
      CairnOptions options, int clusterPort, String clusterSecret, SweepSpec spec, String sweepText)
      throws Exception {
    PlatformCommand.Handle handle =
        clusterPort > 0
            ? PlatformCommand.start(
                options,
                new ClusterOptions(
                        "127.0.0.1", clusterPort, List.of(), ClusterSecret.of(clusterSecret))
                    ::startVertx)
            : PlatformCommand.start(options);
    if (handle == null) {
      return 1;
    }
    try (handle) {
      var platform = handle.platform;
      SweepHead.deploy(
          platform,
          new SweepControllerVerticle.Settings(
              SweepControllerVerticle.Settings.DEFAULT_WORKER_TIMEOUT_MILLIS, false),
          1);
      BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
      platform
          .vertx()
          .eventBus()
          .<JsonObject>consumer(SweepAddresses.EVENTS, msg -> events.add(msg.body()))
          .completion()
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      JsonObject request =
          new JsonObject()
              .put("sweepText", sweepText)
              .put("baseText", spec.baseText())
              .put("name", spec.name())
              .put("runCap", runCap)
              .put("parallel", parallel);
      JsonObject started;
      try {
        started =
            platform
                .vertx()
                .eventBus()
                .<JsonObject>request(SweepAddresses.SUBMIT, request)
                .toCompletionStage()
                .toCompletableFuture()
                .get(120, TimeUnit.SECONDS)
                .body();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof ReplyException r && r.failureCode() == 400) {
          System.err.println("error: " + sweepFile + ": " + r.getMessage());
          return CairnCli.USAGE;
        }
        throw e;
      }
      String sweepId = started.getString("id");
      System.err.printf(
          Locale.ROOT,
          "%s %s (%s): %s, %s %s, %d trials, %d at once%n",
          started.getBoolean("resumed") ? "resuming sweep" : "sweep",
          sweepId,
          spec.name(),
          spec.method().label(),
          spec.goal().label(),
          spec.metric(),
          started.getInteger("runCap"),
          started.getInteger("parallel"));
      if (started.getBoolean("resumed")) {
        System.err.printf(
            "%d trial(s) already done, %d to retry%n",
            started.getLong("trialsDone"), started.getInteger("trialsToRetry"));
      }
      SweepProgress progress = new SweepProgress(System.err, platform, sweepId, spec);
      progress.describeGrid(started.getInteger("runCap"));
      try {
        JsonObject end = null;
        while (end == null) {
          JsonObject e = events.poll(2, TimeUnit.SECONDS);
          progress.poll();
          if (e == null) {
            var stored = platform.sweeps().find(sweepId).orElseThrow();
            if (stored.status() != SweepStatus.RUNNING) {
              end = new JsonObject().put("status", stored.status().name());
            }
          } else if (e.getString("sweepId").equals(sweepId)) {
            if (e.getString("type").equals("sweep")) {
              end = e;
            } else {
              printTrial(System.err, e);
              progress.trialEnded(e);
            }
          }
        }
        SweepRecord record = platform.sweeps().find(sweepId).orElseThrow();
        List<TrialRecord> trials = platform.sweeps().allTrials(sweepId);
        if (json) {
          System.out.println(toJson(record, trials).encodePrettily());
        } else {
          printSummary(System.out, record, trials);
        }
        return end.getString("status").equals("FINISHED") ? 0 : 1;
      } catch (RuntimeException e) {
        if (handle.closing()) {
          // Ctrl-C or SIGTERM: the hook stops the trials (KILLED, retried on resume) and closes
          // the store under this loop; it says so itself
          return 1;
        }
        throw e;
      }
    }
  }

  /**
   * Submits the sweep to the server that owns the store (POST /api/sweeps); its trials train there
   * (its slots and workers). Follows it until it ends, printing each trial as it ends.
   */
  private int throughServer(ServerLink link, SweepSpec spec, String sweepText)
      throws InterruptedException {
    JsonObject started =
        link.post(
            "/api/sweeps",
            new JsonObject()
                .put("sweep", sweepText)
                .put("spec", spec.baseText())
                .put("runCap", runCap)
                .put("parallel", parallel));
    String sweepId = started.getString("id");
    System.err.printf(
        Locale.ROOT,
        "sweep %s (%s) submitted to the server at %s: %s, %s %s; its trials train there%n",
        sweepId,
        spec.name(),
        link.url(),
        spec.method().label(),
        spec.goal().label(),
        spec.metric());
    Set<Integer> printed = new HashSet<>();
    JsonObject sweep;
    while (true) {
      sweep = link.get("/api/sweeps/" + sweepId);
      var trials =
          link.get("/api/sweeps/" + sweepId + "/trials").getJsonArray("trials", new JsonArray());
      for (int i = 0; i < trials.size(); i++) {
        JsonObject t = trials.getJsonObject(i);
        String status = t.getString("status");
        if (t.getString("endedAt") != null && printed.add(t.getInteger("trialNo"))) {
          printTrial(
              System.err,
              new JsonObject()
                  .put("trialNo", t.getInteger("trialNo"))
                  .put("runCap", sweep.getInteger("runCap"))
                  .put("runId", t.getString("runId"))
                  .put("status", status)
                  .put("objective", t.getValue("value"))
                  .put("prunedStep", t.getValue("prunedStep"))
                  .put("message", t.getString("message"))
                  .put("params", t.getJsonObject("params", new JsonObject())));
        }
      }
      if (!"RUNNING".equals(sweep.getString("status"))
          && !"QUEUED".equals(sweep.getString("status"))) {
        if (json) {
          System.out.println(sweep.put("trials", trials).encodePrettily());
        } else {
          System.out.println();
          System.out.printf(
              "sweep %s  %s  %s: %s%n",
              sweepId,
              sweep.getString("name"),
              sweep.getString("status"),
              sweep.getString("message"));
          JsonObject best = sweep.getJsonObject("best");
          if (best != null) {
            System.out.printf(
                "best: trial %d  run %s  %s %s  %s%n",
                best.getInteger("trialNo"),
                best.getString("runId"),
                spec.metric(),
                best.getValue("value"),
                best.getJsonObject("params").encode());
          }
          System.out.println("sweep id: " + sweepId);
        }
        return "FINISHED".equals(sweep.getString("status")) ? 0 : 1;
      }
      Thread.sleep(2_000);
    }
  }

  private static void printTrial(PrintStream out, JsonObject e) {
    Double value = e.getDouble("objective");
    String status = e.getString("status");
    String detail =
        status.equals("PRUNED")
            ? " at step " + e.getLong("prunedStep")
            : status.equals("FAILED") ? ": " + e.getString("message") : "";
    out.printf(
        Locale.ROOT,
        "trial %d/%d  run %s  %-8s %s%s  %s%n",
        e.getInteger("trialNo"),
        e.getInteger("runCap"),
        e.getString("runId"),
        status,
        value == null ? "-" : ConsoleProgress.fmt(value),
        detail,
        e.getJsonObject("params").encode());
    out.flush();
  }

  static JsonObject toJson(SweepRecord s, List<TrialRecord> trials) {
    var list = new JsonArray();
    for (TrialRecord t : trials) {
      list.add(
          new JsonObject()
              .put("trialNo", t.trialNo())
              .put("runId", t.runId())
              .put("status", t.status().name())
              .put("value", t.objective())
              .put("step", t.objectiveStep())
              .put("prunedStep", t.prunedStep())
              .put("attempts", t.attempts())
              .put("params", new JsonObject(ValueKeys.toJson(t.params()))));
    }
    return new JsonObject()
        .put("id", s.id())
        .put("name", s.name())
        .put("status", s.status().name())
        .put("method", s.method().label())
        .put("metric", s.metric())
        .put("goal", s.goal().label())
        .put("runCap", s.runCap())
        .put("message", s.message())
        .put("trials", list);
  }

  static void printSummary(PrintStream out, SweepRecord s, List<TrialRecord> trials) {
    List<TrialRecord> sorted = new ArrayList<>(trials);
    Comparator<TrialRecord> byValue =
        Comparator.comparing(
            t -> t.objective() == null ? Double.NaN : t.objective(), s.goal().bestFirst());
    sorted.sort(
        Comparator.comparing((TrialRecord t) -> t.status() != TrialState.FINISHED)
            .thenComparing(byValue));
    out.println();
    out.printf("sweep %s  %s  %s: %s%n", s.id(), s.name(), s.status(), s.message());
    Table table = new Table("trial", "run", "status", s.metric(), "step", "params");
    for (TrialRecord t : sorted) {
      table.row(
          t.trialNo(),
          t.runId(),
          t.status(),
          t.objective() == null ? "-" : ConsoleProgress.fmt(t.objective()),
          t.status() == TrialState.PRUNED
              ? "pruned@" + t.prunedStep()
              : t.objectiveStep() == null ? "-" : t.objectiveStep(),
          ValueKeys.toJson(t.params()));
    }
    table.print(out);
    out.println("sweep id: " + s.id());
  }
}
