package dev.cairn.server.sweep;

import ai.djl.engine.Engine;
import dev.cairn.core.spec.ExperimentSpec;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.spec.SpecResolver;
import dev.cairn.core.sweep.TrialSpecs;
import dev.cairn.core.training.DatasetLoadException;
import dev.cairn.core.training.Devices;
import dev.cairn.core.training.MetricSink;
import dev.cairn.core.training.ProgressObserver;
import dev.cairn.core.training.TrainingRunner;
import dev.cairn.spi.SpecException;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one trial attempt on the calling (worker) thread with the ordinary {@link TrainingRunner}:
 * pruning is a stop request that the training listener honours at the next batch, like a user's
 * stop, told apart by {@link Stop}.
 */
final class TrialRunner {
  private static final Logger LOG = LoggerFactory.getLogger(TrialRunner.class);

  /**
   * DJL's PyTorch engine trains one model at a time per JVM (its gradient collector is process-wide
   * and refuses a second one), so trials in one JVM take turns; parallel trials need several JVMs
   * (cluster workers, or the local ones {@code cairn sweep} starts).
   */
  static final ReentrantLock TRAINING = new ReentrantLock(true);

  /** Why a trial was asked to stop; the first request wins. */
  enum Stop {
    NONE,
    PRUNE,
    KILL,
    INTERRUPT
  }

  /**
   * How an attempt ended: FINISHED, FAILED, PRUNED, KILLED, INTERRUPTED (to be retried) or STALE.
   */
  record Outcome(String status, String message) {}

  private final SpecResolver resolver;
  private final Path dataDir;
  private final boolean offline;

  TrialRunner(SpecResolver resolver, Path dataDir, boolean offline) {
    this.resolver = resolver;
    this.dataDir = dataDir;
    this.offline = offline;
  }

  /**
   * @param onRunning called with the device once the spec resolved, before training starts; false
   *     means the head no longer wants this attempt (outcome STALE)
   */
  Outcome run(TrialTask task, MetricSink sink, Predicate<String> onRunning) {
    try {
      ExperimentSpec spec = TrialSpecs.parse(task.specText(), task.runId());
      ResolvedSpec resolved = resolver.resolve(spec);
      if (!onRunning.test(
          Devices.label(Devices.resolve(spec.device(), Engine.getEngine("PyTorch"))))) {
        return new Outcome("STALE", null);
      }
      TRAINING.lockInterruptibly();
      try {
        if (task.stop() != Stop.NONE) {
          throw new CancellationException("stopped before it started");
        }
        new TrainingRunner()
            .train(
                resolved,
                task.runId(),
                new TrainingRunner.Environment(
                    dataDir, offline, sink, ProgressObserver.NONE, () -> task.stop() != Stop.NONE));
      } finally {
        TRAINING.unlock();
        sink.flush();
      }
      return new Outcome("FINISHED", null);
    } catch (CancellationException e) {
      return switch (task.stop()) {
        case PRUNE -> new Outcome("PRUNED", task.stopReason());
        case KILL -> new Outcome("KILLED", "sweep stopped");
        default -> new Outcome("INTERRUPTED", "training node stopped");
      };
    } catch (SpecException | DatasetLoadException e) {
      LOG.debug("trial run {} failed", task.runId(), e);
      return new Outcome("FAILED", e.getMessage());
    } catch (Exception | Error e) {
      if (task.stop() == Stop.INTERRUPT) {
        return new Outcome("INTERRUPTED", "training node stopped");
      }
      LOG.error("trial run {} failed", task.runId(), e);
      return new Outcome("FAILED", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
