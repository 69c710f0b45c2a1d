package dev.cairn.plugins.optimizers;

import ai.djl.training.tracker.Tracker;
import dev.cairn.spi.OptimizerContext;
import dev.cairn.spi.OptimizerProvider;
import dev.cairn.spi.OptimizerSetup;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import java.util.List;
import org.pf4j.Extension;

/**
 * Adagrad: each parameter's step is divided by the root of its accumulated squared gradients, so
 * steps shrink as gradients pile up (it slows late in training). {@code accumulate: sum} is the
 * standard (PyTorch) form; {@code mean} is the notes' {@code σᵢᵗ = √(1/(t+1) Σ (gᵢᵏ)²)}.
 */
@Extension
public class AdagradOptimizer implements OptimizerProvider {

  @Override
  public String id() {
    return "adagrad";
  }

  @Override
  public String description() {
    return "Adagrad: steps divided by the root of the accumulated squared gradients";
  }

  @Override
  public List<ParamSpec> params() {
    return OptimizerParams.with(
        List.of(
            ParamSpec.ofChoice(
                "accumulate",
                "sum",
                List.of("sum", "mean"),
                "sum = standard Adagrad (PyTorch); mean = the notes' RMS of all gradients so far"),
            ParamSpec.ofDouble("epsilon", 1e-10, "added to the root for numerical stability")
                .greaterThan(0)),
        0.01);
  }

  @Override
  public OptimizerSetup build(Params params, OptimizerContext context) {
    Tracker learningRate = OptimizerParams.schedule(params, context);
    var adagrad =
        new Updates.Adagrad(
            learningRate,
            params.getFloat("weightDecay"),
            context.startStep(),
            params.getFloat("epsilon"),
            params.getString("accumulate").equals("mean"));
    return OptimizerParams.withClipping(adagrad, params, learningRate);
  }
}
