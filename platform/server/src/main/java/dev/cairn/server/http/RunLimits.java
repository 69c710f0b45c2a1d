package dev.cairn.server.http;

import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.tracking.Page;
import dev.cairn.core.tracking.RunQuery;
import dev.cairn.core.tracking.RunRecord;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.server.Platform;

/**
 * The checks a submission passes before anything is stored: one run's spec against the server's
 * epoch, parameter and memory limits (runs, and every trial a sweep can produce: see {@code
 * SweepLimits}), and the owner's queue against {@code --max-queued-runs}. Call them on a worker:
 * the queue check reads the store.
 */
public final class RunLimits {
  private RunLimits() {}

  /**
   * Refuses a run that asks for more than the server allows: 400 beyond {@code --max-epochs},
   * {@code --max-parameters} or {@code --max-model-memory} (estimated from the spec, see {@link
   * ModelEstimate}). Each message names the field, the limit and the option that raises it.
   */
  public static void check(ServerLimits limits, ResolvedSpec resolved) {
    int epochs = resolved.spec().epochs();
    if (epochs > limits.maxEpochs()) {
      throw new ApiException(
          400,
          "limit_exceeded",
          "epochs: "
              + epochs
              + " is more than this server allows ("
              + limits.maxEpochs()
              + "); the operator raises it with `cairn serve --max-epochs N`");
    }
    ModelEstimate estimate = ModelEstimate.of(resolved);
    if (estimate.parameters() > limits.maxParameters()) {
      throw new ApiException(
          400,
          "limit_exceeded",
          "model: at least "
              + ModelEstimate.count(estimate.parameters())
              + " parameters (estimated from the spec's layer sizes) is more than this server allows ("
              + ModelEstimate.count(limits.maxParameters())
              + "); use smaller layers, or the operator raises it with"
              + " `cairn serve --max-parameters N`");
    }
    if (estimate.memoryBytes() > limits.maxModelMemoryBytes()) {
      throw new ApiException(
          400,
          "limit_exceeded",
          "model: training needs at least "
              + ModelEstimate.bytes(estimate.memoryBytes())
              + " (estimated from the layer sizes and dataset.batchSize "
              + resolved.spec().loader().batchSize()
              + ") and this server allows "
              + ModelEstimate.bytes(limits.maxModelMemoryBytes())
              + "; use smaller layers or batches, or the operator raises it with"
              + " `cairn serve --max-model-memory BYTES`");
    }
  }

  /**
   * Refuses a run or sweep submission with 429 when {@code owner} (a token's name, or {@code local}
   * without auth) already has {@code --max-queued-runs} runs QUEUED in the store, queued sweep
   * trials included.
   */
  public static void checkQueued(Platform platform, ServerLimits limits, String owner) {
    int limit = limits.maxQueuedRuns();
    int queued = 0;
    String token = null;
    do {
      Page<RunRecord> page =
          platform
              .store()
              .listRuns(
                  new RunQuery(
                      null, RunStatus.QUEUED, Math.min(1000, limit - queued), token, owner));
      queued += page.items().size();
      token = page.nextPageToken();
    } while (token != null && queued < limit);
    if (queued >= limit) {
      throw new ApiException(
          429,
          "too_many_runs",
          "owner "
              + owner
              + " has "
              + queued
              + " runs queued; the limit is "
              + limit
              + ". Retry when some have started, or the operator raises it with"
              + " `cairn serve --max-queued-runs N`");
    }
  }
}
