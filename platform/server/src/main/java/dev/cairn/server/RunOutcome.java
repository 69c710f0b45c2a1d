package dev.cairn.server;

import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.training.TrainingResult;

/**
 * How a submitted run ended.
 *
 * @param result the training result when FINISHED, else null
 * @param error what went wrong when FAILED or KILLED, else null
 */
public record RunOutcome(
    String runId, String name, RunStatus status, TrainingResult result, String error) {}
