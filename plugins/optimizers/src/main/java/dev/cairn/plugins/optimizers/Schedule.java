package dev.cairn.plugins.optimizers;

import ai.djl.training.tracker.Tracker;

/**
 * A learning-rate schedule: the rate of update {@code t} (counted from 0, one update per batch;
 * DJL's optimizers ask for update {@code n = t + 1}, their count starting at 1). After an optional
 * linear warm-up from 0 over {@code warmupSteps}, the rate follows one of:
 *
 * <ul>
 *   <li>{@code constant}: η;
 *   <li>{@code step}: η·γ^⌊epoch / decayEpochs⌋ (PyTorch's StepLR);
 *   <li>{@code exponential}: η·γ^(t / stepsPerEpoch), γ per epoch, applied smoothly;
 *   <li>{@code cosine}: from η down to {@code minLr} along half a cosine over the remaining steps;
 *   <li>{@code linear}: from η down to {@code minLr} in a straight line;
 *   <li>{@code one-cycle}: Smith's one-cycle policy (PyTorch's OneCycleLR with cosine annealing):
 *       up from η/divFactor to η over the first {@code pctStart} of the run, then down to
 *       η/(divFactor·finalDivFactor).
 * </ul>
 */
record Schedule(
    String kind,
    float lr,
    int totalSteps,
    int stepsPerEpoch,
    int warmupSteps,
    float gamma,
    int decayEpochs,
    float minLr,
    float pctStart,
    float divFactor,
    float finalDivFactor)
    implements Tracker {

  @Override
  public float getNewValue(int numUpdate) {
    int t = Math.max(0, numUpdate - 1);
    if (t < warmupSteps) {
      return lr * (t + 1) / warmupSteps;
    }
    int after = t - warmupSteps;
    int span = Math.max(1, totalSteps - warmupSteps);
    double progress = Math.min(1.0, (double) after / span);
    switch (kind) {
      case "step":
        return (float) (lr * Math.pow(gamma, (t / stepsPerEpoch) / decayEpochs));
      case "exponential":
        return (float) (lr * Math.pow(gamma, (double) t / stepsPerEpoch));
      case "cosine":
        return (float) (minLr + (lr - minLr) * (1 + Math.cos(Math.PI * progress)) / 2);
      case "linear":
        return (float) (lr - (lr - minLr) * progress);
      case "one-cycle":
        return oneCycle(t);
      default:
        return lr;
    }
  }

  private float oneCycle(int t) {
    double initial = lr / divFactor;
    double last = initial / finalDivFactor;
    double up = Math.max(1, Math.round(pctStart * totalSteps) - 1.0);
    double down = Math.max(1, totalSteps - 1 - up);
    if (t <= up) {
      return (float) anneal(initial, lr, t / up);
    }
    return (float) anneal(lr, last, Math.min(1.0, (t - up) / down));
  }

  /** Cosine interpolation from {@code start} (p = 0) to {@code end} (p = 1). */
  private static double anneal(double start, double end, double p) {
    return end + (start - end) * (1 + Math.cos(Math.PI * p)) / 2;
  }
}
