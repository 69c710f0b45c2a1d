package dev.cairn.core.training;

/**
 * Continue a run from one of its checkpoints: its weights are loaded, training goes on with the
 * epoch after it, steps and the learning-rate schedule count on from where it was, and scalars are
 * appended to the run's series. Optimizer state (momentum, Adam's moments) starts afresh.
 */
public record Resume(Checkpoints.Checkpoint checkpoint) {}
