package dev.cairn.plugins.optimizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.cairn.spi.OptimizerContext;
import dev.cairn.spi.OptimizerProvider;
import dev.cairn.spi.OptimizerSetup;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The course's optimizers against COURSE.md's formulas worked by hand (w₀ = [1, −2], g₁ = [0.5,
 * −1], g₂ = [1, 1] unless said otherwise), and the learning-rate schedules' values.
 */
class CourseOptimizersTest {
  private static final OptimizerContext CONTEXT = new OptimizerContext(10, 2);

  private static OptimizerSetup build(OptimizerProvider provider, Map<String, ?> raw) {
    return build(provider, raw, CONTEXT);
  }

  private static OptimizerSetup build(
      OptimizerProvider provider, Map<String, ?> raw, OptimizerContext context) {
    return provider.build(Params.validate("optimizer", provider.params(), raw), context);
  }

  private static float[] steps(Optimizer optimizer, float[] w0, float[]... grads) {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray w = manager.create(w0);
      for (float[] g : grads) {
        optimizer.update("w", w, manager.create(g));
      }
      return w.toFloatArray();
    }
  }

  private static final float[] W0 = {1, -2};
  private static final float[] G1 = {0.5f, -1};
  private static final float[] G2 = {1, 1};

  @Test
  void adagradFirstStepIsTheGradientsSignTimesTheRate() {
    // σ⁰ = √(g²) = |g|: w = w₀ − η g/|g| = [0.9, −1.9], in both forms
    for (String form : new String[] {"sum", "mean"}) {
      Optimizer adagrad =
          build(new AdagradOptimizer(), Map.of("lr", 0.1, "accumulate", form)).optimizer();
      assertThat(steps(adagrad, W0, G1))
          .as(form)
          .containsExactly(new float[] {0.9f, -1.9f}, within(1e-6f));
    }
  }

  @Test
  void adagradSecondStepStandardAndNotesForm() {
    // sum: s = [1.25, 2], w = [0.9 − 0.1/√1.25, −1.9 − 0.1/√2]
    Optimizer sum = build(new AdagradOptimizer(), Map.of("lr", 0.1)).optimizer();
    assertThat(steps(sum, W0, G1, G2))
        .containsExactly(new float[] {0.8105573f, -1.9707107f}, within(1e-6f));
    // mean (the notes): σ¹ = √(s/2) = [√0.625, 1], w = [0.9 − 0.1/√0.625, −1.9 − 0.1]
    Optimizer mean =
        build(new AdagradOptimizer(), Map.of("lr", 0.1, "accumulate", "mean")).optimizer();
    assertThat(steps(mean, W0, G1, G2))
        .containsExactly(new float[] {0.7735089f, -2.0f}, within(1e-6f));
  }

  @Test
  void rmspropOneStep() {
    // σ² = α·0 + (1 − α) g² = 0.1·[0.25, 1]; w = w₀ − η g/σ = [1 − 0.05/0.158114, −2 +
    // 0.1/0.316228]
    Optimizer rmsprop = build(new RmsPropOptimizer(), Map.of("lr", 0.1, "alpha", 0.9)).optimizer();
    assertThat(steps(rmsprop, W0, G1))
        .containsExactly(new float[] {0.6837723f, -1.6837722f}, within(1e-6f));
  }

  @Test
  void adamOneStepMovesEachWeightByTheRate() {
    // m̂ = g, v̂ = g²: w = w₀ − η g/|g| (Adam's first step has size η whatever the gradient)
    Optimizer adam = build(new AdamOptimizer(), Map.of("lr", 0.1)).optimizer();
    assertThat(steps(adam, W0, G1)).containsExactly(new float[] {0.9f, -1.9f}, within(1e-6f));
  }

  @Test
  void adamwDecaysTheWeightsBeforeTheAdamStep() {
    // w(1 − ηλ) = [0.95, −1.9], then − η g/|g| = [0.85, −1.8]
    Optimizer adamw =
        build(new AdamWOptimizer(), Map.of("lr", 0.1, "weightDecay", 0.5)).optimizer();
    assertThat(steps(adamw, W0, G1)).containsExactly(new float[] {0.85f, -1.8f}, within(1e-6f));
  }

  @Test
  void adadeltaOneStep() {
    // v = 0.1·0.25; Δ = √(0 + 1e-6)/√(v + 1e-6)·0.5; w = 1 − Δ
    Optimizer adadelta = build(new AdadeltaOptimizer(), Map.of()).optimizer();
    assertThat(steps(adadelta, new float[] {1}, new float[] {0.5f})[0])
        .isCloseTo(0.9968378f, within(1e-6f));
  }

  @Test
  void nesterovLooksAheadAlongTheVelocity() {
    // 1: v = ηg₁ = [0.05, −0.1], w = w₀ − (μv + ηg₁) = [0.905, −1.81]
    // 2: v = μv + ηg₂ = [0.145, 0.01], w = w − (μv + ηg₂) = [0.6745, −1.919]
    Optimizer nesterov =
        build(new SgdOptimizer(), Map.of("lr", 0.1, "momentum", 0.9, "nesterov", true)).optimizer();
    assertThat(steps(nesterov, W0, G1, G2))
        .containsExactly(new float[] {0.6745f, -1.919f}, within(1e-6f));
  }

  @Test
  void customOptimizersClearTheGradientAsDjlsNativeUpdatesDo() {
    // PyTorch adds each backward pass to .grad; DJL relies on the update to clear it
    for (OptimizerProvider provider :
        new OptimizerProvider[] {
          new AdagradOptimizer(),
          new RmsPropOptimizer(),
          new AdadeltaOptimizer(),
          new AdamWOptimizer(),
          new SgdOptimizer()
        }) {
      Map<String, Object> raw =
          provider instanceof SgdOptimizer ? Map.of("momentum", 0.5, "nesterov", true) : Map.of();
      Optimizer optimizer = build(provider, raw).optimizer();
      try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
        NDArray w = manager.create(new float[] {1, 2});
        w.setRequiresGradient(true);
        try (var collector = Engine.getInstance().newGradientCollector()) {
          collector.backward(w.mul(w).sum());
        }
        optimizer.update("w", w, w.getGradient());
        assertThat(w.getGradient().toFloatArray()).as(provider.id()).containsExactly(0f, 0f);
      }
    }
  }

  @Test
  void weightDecayIsAddedToTheGradientOfTheCustomOptimizers() {
    // Adagrad with λ = 0.5 on w = 2, g = 1: g' = 2, first step w − η·g'/|g'| = 2 − 0.1
    Optimizer adagrad =
        build(new AdagradOptimizer(), Map.of("lr", 0.1, "weightDecay", 0.5)).optimizer();
    assertThat(steps(adagrad, new float[] {2}, new float[] {1})[0]).isCloseTo(1.9f, within(1e-6f));
  }

  /** Trackers are asked for DJL's update count, which starts at 1: update t is count t + 1. */
  private static Tracker schedule(Map<String, Object> raw) {
    Map<String, Object> all = new HashMap<>(raw);
    all.put("lr", 1.0);
    return build(new SgdOptimizer(), all).learningRate();
  }

  @Test
  void schedules() {
    Tracker constant = schedule(Map.of());
    assertThat(constant.getNewValue(1)).isEqualTo(1f);
    assertThat(constant.getNewValue(20)).isEqualTo(1f);

    Tracker step = schedule(Map.of("schedule", "step", "gamma", 0.5));
    assertThat(step.getNewValue(10)).isEqualTo(1f);
    assertThat(step.getNewValue(11)).isEqualTo(0.5f);

    Tracker exponential = schedule(Map.of("schedule", "exponential", "gamma", 0.5));
    assertThat(exponential.getNewValue(6)).isCloseTo(0.7071068f, within(1e-6f));
    assertThat(exponential.getNewValue(11)).isCloseTo(0.5f, within(1e-6f));

    Tracker cosine = schedule(Map.of("schedule", "cosine"));
    assertThat(cosine.getNewValue(1)).isEqualTo(1f);
    assertThat(cosine.getNewValue(11)).isCloseTo(0.5f, within(1e-6f));
    assertThat(cosine.getNewValue(21)).isCloseTo(0f, within(1e-6f));

    Tracker linear = schedule(Map.of("schedule", "linear", "minLr", 0.2));
    assertThat(linear.getNewValue(6)).isCloseTo(0.8f, within(1e-6f));
  }

  @Test
  void linearWarmUpThenDecay() {
    Tracker warm = schedule(Map.of("schedule", "cosine", "warmupSteps", 4));
    assertThat(warm.getNewValue(1)).isCloseTo(0.25f, within(1e-6f));
    assertThat(warm.getNewValue(4)).isCloseTo(1f, within(1e-6f));
    assertThat(warm.getNewValue(5)).isCloseTo(1f, within(1e-6f));
    // 16 steps of cosine after the warm-up: half-way at step 4 + 8
    assertThat(warm.getNewValue(13)).isCloseTo(0.5f, within(1e-6f));
  }

  @Test
  void oneCycleRisesForThirtyPercentThenAnneals() {
    Tracker oneCycle = schedule(Map.of("schedule", "one-cycle"));
    assertThat(oneCycle.getNewValue(1)).isCloseTo(0.04f, within(1e-6f));
    assertThat(oneCycle.getNewValue(6)).isCloseTo(1f, within(1e-6f));
    assertThat(oneCycle.getNewValue(20)).isCloseTo(4e-6f, within(1e-8f));
    assertThat(oneCycle.getNewValue(4)).isBetween(0.04f, 1f);
  }

  @Test
  void theScheduleDrivesTheUpdates() {
    // step decay halves the rate at update 10: plain SGD with g = 1 moves 1 then 0.5 per step
    OptimizerSetup sgd =
        build(
            new SgdOptimizer(),
            Map.of("lr", 1, "schedule", "step", "gamma", 0.5),
            new OptimizerContext(1, 2));
    assertThat(steps(sgd.optimizer(), new float[] {0}, new float[] {1}, new float[] {1}))
        .containsExactly(-1.5f);
  }

  @Test
  void aResumedRunContinuesTheSchedule() {
    OptimizerSetup resumed =
        build(
            new SgdOptimizer(),
            Map.of("lr", 1, "schedule", "step", "gamma", 0.5),
            new OptimizerContext(1, 2, 1));
    assertThat(steps(resumed.optimizer(), new float[] {0}, new float[] {1})).containsExactly(-0.5f);
  }

  @Test
  void refusedCombinations() {
    assertThatThrownBy(() -> build(new SgdOptimizer(), Map.of("nesterov", true)))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("optimizer.nesterov: true needs momentum > 0");
    assertThatThrownBy(
            () -> build(new AdamOptimizer(), Map.of("schedule", "cosine", "warmupSteps", 20)))
        .hasMessageStartingWith(
            "optimizer.warmupSteps: 20 is not allowed; the run has only 20 updates");
    assertThatThrownBy(
            () -> build(new AdamOptimizer(), Map.of("schedule", "one-cycle", "warmupSteps", 2)))
        .hasMessageContaining("one-cycle");
    assertThatThrownBy(() -> build(new RmsPropOptimizer(), Map.of("alpha", 1)))
        .hasMessageStartingWith("optimizer.alpha: 1 is not allowed");
    assertThatThrownBy(() -> build(new SgdOptimizer(), Map.of("schedule", "cosin")))
        .hasMessageContaining("did you mean 'cosine'?");
    assertThatThrownBy(() -> build(new SgdOptimizer(), Map.of("schedule", "linear", "minLr", 0.5)))
        .hasMessageStartingWith("optimizer.minLr: 0.5 is not allowed");
  }
}
