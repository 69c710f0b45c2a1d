package dev.cairn.plugins.optimizers;

import ai.djl.training.tracker.Tracker;
import dev.cairn.spi.OptimizerContext;
import dev.cairn.spi.OptimizerProvider;
import dev.cairn.spi.OptimizerSetup;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.Extension;

/**
 * AdamW: Adam with decoupled weight decay, as PyTorch computes it: {@code w ← w(1 − ηλ)}, then
 * {@code w ← w − η m̂/(√v̂ + ε)} with bias-corrected moments. Unlike {@code adam}'s L2 decay, the
 * decay does not pass through the adaptive scaling.
 */
@Extension
public class AdamWOptimizer implements OptimizerProvider {

  @Override
  public String id() {
    return "adamw";
  }

  @Override
  public String description() {
    return "AdamW: Adam with decoupled weight decay (default 0.01, as PyTorch)";
  }

  @Override
  public List<ParamSpec> params() {
    List<ParamSpec> out = new ArrayList<>();
    for (ParamSpec p : OptimizerParams.with(AdamOptimizer.moments(), 0.001)) {
      out.add(
          p.name().equals("weightDecay")
              ? ParamSpec.ofDouble("weightDecay", 0.01, "decoupled weight decay λ: w ← w(1 − ηλ)")
                  .atLeast(0)
              : p);
    }
    return List.copyOf(out);
  }

  @Override
  public OptimizerSetup build(Params params, OptimizerContext context) {
    Tracker learningRate = OptimizerParams.schedule(params, context);
    var adamw =
        new Updates.AdamW(
            learningRate,
            params.getFloat("weightDecay"),
            context.startStep(),
            params.getFloat("beta1"),
            params.getFloat("beta2"),
            params.getFloat("epsilon"));
    return OptimizerParams.withClipping(adamw, params, learningRate);
  }
}
