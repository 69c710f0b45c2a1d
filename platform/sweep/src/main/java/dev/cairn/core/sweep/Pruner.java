package dev.cairn.core.sweep;

import java.util.Collection;
import java.util.Optional;

/**
 * Decides, each time a trial reports its metric at a step, whether to stop it. Called after the
 * value was recorded in the trial's history; {@code all} holds every trial of the sweep, this one
 * included.
 */
public interface Pruner {
  Pruner NONE = (trial, step, all, goal) -> Optional.empty();

  /** Why to stop {@code trial} now, or empty to let it go on. */
  Optional<String> check(TrialHistory trial, long step, Collection<TrialHistory> all, Goal goal);
}
