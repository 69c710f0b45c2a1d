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
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn resume RUN}: continues a run that failed (a crash, kill -9) or was stopped, from its
 * latest checkpoint, under the same run id. Its series go on after the checkpoint's step.
 */
@Command(
    name = "resume",
    description =
        "Continue a FAILED or KILLED run from its latest checkpoint"
            + " (runs save checkpoints when their spec sets training.checkpointEvery).")
final class ResumeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin ThreadsOption threads;

  @Parameters(index = "0", paramLabel = "RUN", description = "Id of the run to resume.")
  String runId;

  @Option(names = "--json", description = "Print one JSON object on stdout, as `cairn run --json`.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!threads.apply()) {
      return CairnCli.USAGE;
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
}
