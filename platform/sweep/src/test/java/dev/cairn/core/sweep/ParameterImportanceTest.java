package dev.cairn.core.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ParameterImportanceTest {
  static final List<SweepParameter> PARAMS =
      List.of(
          new SweepParameter("optimizer.lr", new Domain.LogUniform(1e-4, 1)),
          new SweepParameter("model.dropout", new Domain.Uniform(0, 0.5)),
          new SweepParameter(
              "optimizer.plugin", new Domain.Categorical(List.of("sgd", "adam"), null)),
          new SweepParameter("epochs", new Domain.Fixed(3)));

  @Test
  void theParameterThatDrivesTheObjectiveDominates() {
    Random r = new Random(3);
    RandomSampler sampler = new RandomSampler(PARAMS, 9);
    List<TrialHistory> trials = new ArrayList<>();
    for (int n = 1; n <= 40; n++) {
      Map<String, Object> p = sampler.sample(n, trials);
      TrialHistory t = new TrialHistory(n, p, TrialState.FINISHED);
      double lr = Math.log10(((Number) p.get("optimizer.lr")).doubleValue());
      t.objective(
          -(lr + 2) * (lr + 2)
              + 0.05 * ((Number) p.get("model.dropout")).doubleValue()
              + 0.01 * r.nextGaussian());
      trials.add(t);
    }
    trials.add(new TrialHistory(41, Map.of("optimizer.lr", 0.5), TrialState.PRUNED));
    ParameterImportance.Result result = ParameterImportance.evaluate(PARAMS, trials, 1);
    assertThat(result.trials()).isEqualTo(40);
    assertThat(result.importances()).hasSize(3);
    assertThat(result.importances().get(0).path()).isEqualTo("optimizer.lr");
    assertThat(result.importances().get(0).importance()).isGreaterThan(0.8);
    assertThat(
            result.importances().stream()
                .mapToDouble(ParameterImportance.Importance::importance)
                .sum())
        .isCloseTo(1.0, Offset.offset(1e-9));
  }

  @Test
  void tooFewTrialsSaySo() {
    ParameterImportance.Result result = ParameterImportance.evaluate(PARAMS, List.of(), 1);
    assertThat(result.importances()).isEmpty();
    assertThat(result.note()).contains("at least 3 finished trials");
  }
}
