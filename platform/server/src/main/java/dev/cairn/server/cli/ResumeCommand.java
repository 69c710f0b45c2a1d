package dev.cairn.server.cli;

import dev.cairn.core.spec.ExperimentSpec;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.core.tracking.RunRecord;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.training.Checkpoints;
import dev.cairn.core.training.Resume;
import dev.cairn.core.training.TrainingRunner;
import dev.cairn.server.RunOutcome;
import dev.cairn.spi.SpecException;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn resume RUN}: continues a run that failed (a crash, kill -9) or was stopped, from its
 * latest checkpoint, under the same run id. Its series go on after the checkpoint's step. While a
 * server owns the store, the server resumes and trains the run and this command follows it.
 */
@Command(
    name = "resume",
    description =
        "Continue a FAILED or KILLED run from its latest checkpoint"
            + " (runs save checkpoints when their spec sets training.checkpointEvery).")
final class ResumeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin ThreadsOption threads;

  @Mixin ServerOption server;

  @Parameters(index = "0", paramLabel = "RUN", description = "Id of the run to resume.")
  String runId;

  @Option(names = "--json", description = "Print one JSON object on stdout, as `cairn run --json`.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!threads.apply()) {
      return CairnCli.USAGE;
    }
    Optional<Integer> viaServer = server.through(common, this::throughServer);
    if (viaServer.isPresent()) {
      return viaServer.get();
    }
    PlatformCommand.Handle handle = PlatformCommand.start(common.resolve());
    if (handle == null) {
      return 1;
    }
    try (handle) {
      Optional<RunRecord> found = handle.platform.store().getRun(runId);
      if (found.isEmpty()) {
        System.err.println("error: no run with id '" + runId + "'; `cairn runs` lists them");
        return CairnCli.USAGE;
      }
      RunRecord run = found.get();
      if (run.status() != RunStatus.FAILED && run.status() != RunStatus.KILLED) {
        System.err.println(
            "error: run "
                + runId
                + " is "
                + run.status()
                + "; only a FAILED or KILLED run"
                + " can be resumed");
        return CairnCli.USAGE;
      }
      var runDir = TrainingRunner.Environment.runDir(handle.platform.options().dataDir(), runId);
      Optional<Checkpoints.Checkpoint> checkpoint = Checkpoints.latest(runDir);
      if (checkpoint.isEmpty()) {
        System.err.println(
            "error: run "
                + runId
                + " has no checkpoint in "
                + Checkpoints.folder(runDir)
                + "; runs save them when their spec sets training.checkpointEvery");
        return 1;
      }
      ResolvedSpec resolved;
      try {
        ExperimentSpec spec = SpecParser.parse(run.specText(), run.name());
        resolved = handle.platform.runs().resolve(spec);
      } catch (SpecException e) {
        System.err.println(
            "error: the spec of run " + runId + " no longer resolves: " + e.getMessage());
        return CairnCli.USAGE;
      }
      Checkpoints.Checkpoint from = checkpoint.get();
      if (from.epoch() >= resolved.spec().epochs()) {
        System.err.println(
            "error: run "
                + runId
                + " checkpointed all "
                + from.epoch()
                + " epochs; nothing to"
                + " resume");
        return 1;
      }
      handle.platform.store().reopen(runId);
      System.err.printf(
          "resuming run %s after epoch %d of %d (step %d)%n",
          runId, from.epoch(), resolved.spec().epochs(), from.step());
      Promise<RunOutcome> outcome = Promise.promise();
      handle
          .platform
          .runs()
          .resume(
              resolved,
              runId,
              new Resume(from),
              new ConsoleProgress(System.err, System.console() != null),
              outcome);
      RunOutcome result = outcome.future().toCompletionStage().toCompletableFuture().get();
      if (json) {
        System.out.println(RunCommand.toJson(resolved, result).encodePrettily());
      } else {
        RunCommand.printSummary(System.out, resolved, result);
      }
      return result.status() == RunStatus.FINISHED ? 0 : 1;
    }
  }

  /** The last epoch the run's record shows: the last step of its {@code epoch/*} series. */
  private static int lastEpoch(JsonObject run) {
    int last = -1;
    for (Object o : run.getJsonArray("series", new JsonArray())) {
      if (o instanceof JsonObject s && s.getString("tag", "").startsWith("epoch/")) {
        last = Math.max(last, s.getLong("lastStep", -1L).intValue());
      }
    }
    return last;
  }

  /**
   * The server resumes the run (POST /api/runs/RUN/resume) and trains it; this command follows its
   * record until it ends, and Ctrl-C stops it there (it ends KILLED, resumable again).
   */
  private int throughServer(ServerLink link) throws InterruptedException {
    String path = "/api/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8);
    JsonObject started;
    try {
      started = link.post(path + "/resume", new JsonObject());
    } catch (ServerLink.Refused e) {
      System.err.println("error: " + e.getMessage());
      return e.status == 404 || e.status == 409 ? CairnCli.USAGE : 1;
    }
    System.err.printf(
        "resuming run %s after epoch %d of %d (step %d) on the server at %s%n",
        runId,
        started.getInteger("fromEpoch", 0),
        started.getInteger("epochs", 0),
        started.getLong("fromStep", 0L),
        link.url());
    AtomicBoolean ended = new AtomicBoolean();
    Thread hook =
        new Thread(
            () -> {
              if (!ended.get()) {
                System.err.println();
                System.err.println(
                    "stopping: run "
                        + runId
                        + " stops after its current batch and is marked KILLED");
                try {
                  link.post(path + "/stop", new JsonObject());
                } catch (RuntimeException e) {
                  System.err.println("error: " + e.getMessage());
                }
              }
            },
            "cairn-resume-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    JsonObject run;
    try {
      int last = -1;
      while (true) {
        run = link.get(path);
        RunStatus status = RunStatus.valueOf(run.getString("status"));
        if (status.terminal()) {
          break;
        }
        int epoch = lastEpoch(run);
        if (epoch > last && !json) {
          last = epoch;
          System.err.printf("epoch %d of %d%n", last, started.getInteger("epochs", 0));
        }
        Thread.sleep(1_000);
      }
    } finally {
      ended.set(true);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running
      }
    }
    JsonObject metrics = run.getJsonObject("metrics", new JsonObject());
    String status = run.getString("status");
    if (json) {
      JsonObject out =
          new JsonObject()
              .put("id", runId)
              .put("name", run.getString("name"))
              .put("experiment", run.getString("experiment"))
              .put("status", status)
              .put("metrics", metrics);
      if (run.getString("message") != null) {
        out.put("error", run.getString("message"));
      }
      System.out.println(out.encodePrettily());
    } else {
      System.out.println();
      System.out.printf(
          "run %s  %s/%s  %s on the server at %s%n",
          runId, run.getString("experiment"), run.getString("name"), status, link.url());
      if (run.getString("message") != null) {
        System.out.println(run.getString("message"));
      }
      Table table = new Table("metric", "value");
      metrics.forEach(
          e ->
              table.row(
                  e.getKey(),
                  e.getValue() instanceof Number n
                      ? ConsoleProgress.fmt(n.doubleValue())
                      : String.valueOf(e.getValue())));
      table.print(System.out);
    }
    return RunStatus.FINISHED.name().equals(status) ? 0 : 1;
  }
}
