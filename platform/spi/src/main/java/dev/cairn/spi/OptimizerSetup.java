package dev.cairn.spi;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Objects;

/**
 * An optimizer with the learning-rate tracker it uses, so the core can log the learning rate of
 * every step.
 */
public record OptimizerSetup(Optimizer optimizer, Tracker learningRate) {
  public OptimizerSetup {
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(learningRate, "learningRate");
  }
}
