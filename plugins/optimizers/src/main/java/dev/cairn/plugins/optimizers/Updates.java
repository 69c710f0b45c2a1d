package dev.cairn.plugins.optimizers;

import ai.djl.ndarray.NDArray;
import ai.djl.training.tracker.Tracker;

/** The update rules of the course's optimizers, as {@link ElementwiseOptimizer}s. */
final class Updates {
  private Updates() {}

  /**
   * Adagrad. With {@code s ← s + g²}: standard Adagrad ({@code mean = false}, as PyTorch) steps
   * {@code w ← w − η g / (√s + ε)}; the notes' form ({@code mean = true}) divides by the root mean
   * square of the gradients so far, {@code σᵗ = √(s / (t+1))}: {@code w ← w − η g / (σᵗ + ε)}. The
   * two agree on the first step.
   */
  static final class Adagrad extends ElementwiseOptimizer {
    private final float epsilon;
    private final boolean mean;

    Adagrad(Tracker lr, float weightDecay, int begin, float epsilon, boolean mean) {
      super(lr, weightDecay, begin);
      this.epsilon = epsilon;
      this.mean = mean;
    }

    @Override
    void apply(String id, int t, float lr, NDArray w, NDArray g) {
      NDArray sum = state("sum", id, w);
      sum.addi(g.square());
      NDArray sigma = mean ? sum.div(seen(t)).sqrt() : sum.sqrt();
      w.subi(g.div(sigma.add(epsilon)).mul(lr));
    }
  }

  /**
   * RMSProp: {@code σ² ← α σ² + (1 − α) g²} (starting from 0, as PyTorch), {@code w ← w − η g / (σ
   * + ε)}.
   */
  static final class RmsProp extends ElementwiseOptimizer {
    private final float alpha;
    private final float epsilon;

    RmsProp(Tracker lr, float weightDecay, int begin, float alpha, float epsilon) {
      super(lr, weightDecay, begin);
      this.alpha = alpha;
      this.epsilon = epsilon;
    }

    @Override
    void apply(String id, int t, float lr, NDArray w, NDArray g) {
      NDArray square = state("square", id, w);
      square.muli(alpha).addi(g.square().mul(1 - alpha));
      w.subi(g.div(square.sqrt().add(epsilon)).mul(lr));
    }
  }

  /**
   * Adadelta (Zeiler), as PyTorch: {@code v ← ρv + (1−ρ)g²}, {@code Δ = √(u + ε)/√(v + ε) · g},
   * {@code u ← ρu + (1−ρ)Δ²}, {@code w ← w − η Δ}.
   */
  static final class Adadelta extends ElementwiseOptimizer {
    private final float rho;
    private final float epsilon;

    Adadelta(Tracker lr, float weightDecay, int begin, float rho, float epsilon) {
      super(lr, weightDecay, begin);
      this.rho = rho;
      this.epsilon = epsilon;
    }

    @Override
    void apply(String id, int t, float lr, NDArray w, NDArray g) {
      NDArray square = state("square", id, w);
      NDArray delta2 = state("delta", id, w);
      square.muli(rho).addi(g.square().mul(1 - rho));
      NDArray delta = delta2.add(epsilon).sqrt().div(square.add(epsilon).sqrt()).mul(g);
      delta2.muli(rho).addi(delta.square().mul(1 - rho));
      w.subi(delta.mul(lr));
    }
  }

  /**
   * SGD with Nesterov momentum, in DJL's convention for momentum ({@code v ← μv + ηg}): the step
   * looks ahead along the new velocity, {@code w ← w − (μv + ηg)}. With a constant rate this is
   * exactly PyTorch's {@code nesterov=True}.
   */
  static final class Nesterov extends ElementwiseOptimizer {
    private final float momentum;

    Nesterov(Tracker lr, float weightDecay, int begin, float momentum) {
      super(lr, weightDecay, begin);
      this.momentum = momentum;
    }

    @Override
    void apply(String id, int t, float lr, NDArray w, NDArray g) {
      NDArray velocity = state("velocity", id, w);
      NDArray step = g.mul(lr);
      velocity.muli(momentum).addi(step);
      w.subi(velocity.mul(momentum).add(step));
    }
  }

  /**
   * AdamW (Loshchilov and Hutter), as PyTorch: decoupled decay {@code w ← w(1 − ηλ)}, then Adam's
   * step {@code w ← w − η m̂ / (√v̂ + ε)} with bias-corrected moments.
   */
  static final class AdamW extends ElementwiseOptimizer {
    private final float beta1;
    private final float beta2;
    private final float epsilon;

    AdamW(Tracker lr, float weightDecay, int begin, float beta1, float beta2, float epsilon) {
      super(lr, weightDecay, begin);
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.epsilon = epsilon;
    }

    @Override
    boolean decayInGradient() {
      return false;
    }

    @Override
    void apply(String id, int t, float lr, NDArray w, NDArray g) {
      NDArray m = state("mean", id, w);
      NDArray v = state("variance", id, w);
      if (weightDecay() > 0) {
        w.muli(1 - lr * weightDecay());
      }
      m.muli(beta1).addi(g.mul(1 - beta1));
      v.muli(beta2).addi(g.square().mul(1 - beta2));
      int step = seen(t);
      double c1 = 1 - Math.pow(beta1, step);
      double c2 = 1 - Math.pow(beta2, step);
      w.subi(m.div(c1).div(v.div(c2).sqrt().add(epsilon)).mul(lr));
    }
  }
}
