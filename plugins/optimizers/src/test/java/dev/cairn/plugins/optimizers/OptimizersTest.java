package dev.cairn.plugins.optimizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;
import ai.djl.training.tracker.Tracker;
import dev.cairn.spi.OptimizerContext;
import dev.cairn.spi.OptimizerProvider;
import dev.cairn.spi.OptimizerSetup;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import java.lang.reflect.Field;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One or two update steps on a tiny parameter, checked against the formulas worked by hand. */
class OptimizersTest {
  private static final OptimizerContext CONTEXT = new OptimizerContext(10, 2);

  private static OptimizerSetup build(OptimizerProvider provider, Map<String, ?> raw) {
    return provider.build(Params.validate("optimizer", provider.params(), raw), CONTEXT);
  }

  /** Applies the gradients in turn to {@code w0} and returns the final weights. */
  private static float[] steps(Optimizer optimizer, float[] w0, float[]... grads) {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray w = manager.create(w0);
      for (float[] g : grads) {
        optimizer.update("w", w, manager.create(g));
      }
      return w.toFloatArray();
    }
  }

  @Test
  void sgdWithMomentum() {
    OptimizerSetup setup = build(new SgdOptimizer(), Map.of("lr", 0.1, "momentum", 0.9));
    float[] w =
        steps(setup.optimizer(), new float[] {1, -2}, new float[] {0.5f, -1}, new float[] {1, 1});
    // step 1: v = 0.1·g₁ = [0.05, -0.1];             w = [1, -2] - v = [0.95, -1.9]
    // step 2: v = 0.9·v + 0.1·g₂ = [0.145, 0.01];    w = [0.805, -1.91]
    assertThat(w[0]).isCloseTo(0.805f, within(1e-6f));
    assertThat(w[1]).isCloseTo(-1.91f, within(1e-6f));
  }

  @Test
  void sgdWeightDecay() {
    OptimizerSetup setup = build(new SgdOptimizer(), Map.of("lr", 0.1, "weightDecay", 0.5));
    // w = 2 - 0.1·(1 + 0.5·2) = 1.8
    assertThat(steps(setup.optimizer(), new float[] {2}, new float[] {1})[0])
        .isCloseTo(1.8f, within(1e-6f));
  }

  @Test
  void adamTwoSteps() {
    OptimizerSetup setup = build(new AdamOptimizer(), Map.of("lr", 0.1));
    float[] w =
        steps(setup.optimizer(), new float[] {1, -2}, new float[] {0.5f, -1}, new float[] {1, 1});
    // step 1: m = 0.1·g₁ = [0.05, -0.1], v = 0.001·g₁² = [0.00025, 0.001]
    //         m̂ = m/0.1 = [0.5, -1], v̂ = v/0.001 = [0.25, 1], w = [1, -2] - 0.1·m̂/√v̂ = [0.9,
    // -1.9]
    // step 2: m = 0.9·m + 0.1·g₂ = [0.145, 0.01], v = 0.999·v + 0.001·g₂² = [0.00124975, 0.001999]
    //         m̂ = m/0.19 = [0.7631579, 0.0526316], v̂ = v/0.001999 = [0.6251876, 1]
    //         w = [0.9 - 0.1·0.7631579/0.7906880, -1.9 - 0.1·0.0526316] = [0.8034818, -1.9052632]
    // (ε = 1e-8 changes nothing at this precision; DJL adds it to √v rather than √v̂.)
    assertThat(w[0]).isCloseTo(0.8034818f, within(2e-6f));
    assertThat(w[1]).isCloseTo(-1.9052632f, within(2e-6f));
  }

  @Test
  void clipGradClipsBothSigns() {
    OptimizerSetup setup = build(new SgdOptimizer(), Map.of("lr", 1, "clipGrad", 0.5));
    float[] w = steps(setup.optimizer(), new float[] {0, 0, 0}, new float[] {2, -3, 0.25f});
    assertThat(w).containsExactly(-0.5f, 0.5f, -0.25f);
  }

  @Test
  void djlsOwnClipGradOnlyClipsFromAbove() {
    // Why ClippingOptimizer exists. If this starts failing, DJL fixed it and the wrapper can go.
    Optimizer djl =
        Optimizer.sgd().setLearningRateTracker(Tracker.fixed(1)).optClipGrad(0.5f).build();
    assertThat(steps(djl, new float[] {0, 0}, new float[] {2, -3})).containsExactly(-0.5f, 3f);
  }

  @Test
  void clipGradZeroMeansNoClipping() {
    OptimizerSetup setup = build(new SgdOptimizer(), Map.of("lr", 1));
    assertThat(setup.optimizer()).isInstanceOf(Sgd.class);
    assertThat(steps(setup.optimizer(), new float[] {0, 0}, new float[] {2, -3}))
        .containsExactly(-2f, 3f);
  }

  @Test
  void theTrackerReturnedIsTheOneTheOptimizerUses() throws Exception {
    OptimizerSetup sgd = build(new SgdOptimizer(), Map.of("lr", 0.25));
    assertThat(sgd.learningRate().getNewValue(0)).isEqualTo(0.25f);
    assertThat(trackerOf(sgd.optimizer())).isSameAs(sgd.learningRate());
    for (OptimizerProvider custom :
        new OptimizerProvider[] {
          new AdagradOptimizer(),
          new RmsPropOptimizer(),
          new AdadeltaOptimizer(),
          new AdamWOptimizer()
        }) {
      OptimizerSetup setup = build(custom, Map.of("lr", 0.5));
      assertThat(setup.learningRate().getNewValue(3)).as(custom.id()).isEqualTo(0.5f);
      Field field = ElementwiseOptimizer.class.getDeclaredField("learningRate");
      field.setAccessible(true);
      assertThat(field.get(setup.optimizer())).as(custom.id()).isSameAs(setup.learningRate());
    }

    OptimizerSetup adam = build(new AdamOptimizer(), Map.of("clipGrad", 1));
    assertThat(adam.learningRate().getNewValue(100)).isEqualTo(0.001f);
    Optimizer inner = ((ClippingOptimizer) adam.optimizer()).delegate();
    assertThat(inner).isInstanceOf(Adam.class);
    assertThat(trackerOf(inner)).isSameAs(adam.learningRate());
  }

  private static Object trackerOf(Optimizer optimizer) throws Exception {
    Field field = optimizer.getClass().getDeclaredField("learningRateTracker");
    field.setAccessible(true);
    return field.get(optimizer);
  }

  @Test
  void defaults() {
    Params sgd = Params.validate("optimizer", new SgdOptimizer().params(), Map.of());
    assertThat(sgd.asMap())
        .containsEntry("lr", 0.01)
        .containsEntry("schedule", "constant")
        .containsEntry("momentum", 0.0)
        .containsEntry("nesterov", false)
        .containsEntry("weightDecay", 0.0)
        .containsEntry("clipGrad", 0.0);
    Params adam = Params.validate("optimizer", new AdamOptimizer().params(), Map.of());
    assertThat(adam.asMap())
        .containsEntry("lr", 0.001)
        .containsEntry("beta1", 0.9)
        .containsEntry("beta2", 0.999)
        .containsEntry("epsilon", 1e-8)
        .containsEntry("weightDecay", 0.0)
        .containsEntry("clipGrad", 0.0);
    assertThat(
            Params.validate("optimizer", new AdamWOptimizer().params(), Map.of())
                .getDouble("weightDecay"))
        .isEqualTo(0.01);
    assertThat(
            Params.validate("optimizer", new AdadeltaOptimizer().params(), Map.of())
                .getDouble("lr"))
        .isEqualTo(1.0);
  }

  @Test
  void parameterErrorsNameTheField() {
    assertThatThrownBy(() -> build(new SgdOptimizer(), Map.of("lr", 0)))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("optimizer.lr: 0 is not allowed; expected a number > 0");
    assertThatThrownBy(() -> build(new SgdOptimizer(), Map.of("momentum", 1)))
        .isInstanceOf(SpecException.class)
        .hasMessage("optimizer.momentum: 1 is not allowed; expected a number >= 0 and < 1");
    assertThatThrownBy(() -> build(new SgdOptimizer(), Map.of("momentum", -0.1)))
        .hasMessageStartingWith("optimizer.momentum: -0.1 is not allowed");
    assertThatThrownBy(() -> build(new AdamOptimizer(), Map.of("beta2", 1)))
        .hasMessageStartingWith("optimizer.beta2: 1 is not allowed");
    assertThatThrownBy(() -> build(new AdamOptimizer(), Map.of("epsilon", 0)))
        .hasMessageStartingWith("optimizer.epsilon: 0 is not allowed");
    assertThatThrownBy(() -> build(new AdamOptimizer(), Map.of("weightDecay", -1)))
        .hasMessageStartingWith("optimizer.weightDecay: -1 is not allowed");
    assertThatThrownBy(() -> build(new AdamOptimizer(), Map.of("clipGrad", -1)))
        .hasMessageStartingWith("optimizer.clipGrad: -1 is not allowed");
    assertThatThrownBy(() -> build(new AdamOptimizer(), Map.of("learningRate", 0.1)))
        .hasMessageStartingWith("optimizer.learningRate: unknown parameter");
  }
}
