package dev.cairn.core.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplersTest {
  static final List<SweepParameter> LR_BATCH =
      List.of(
          new SweepParameter("optimizer.lr", new Domain.LogUniform(1e-4, 1.0)),
          new SweepParameter(
              "dataset.batchSize", new Domain.Categorical(List.of(32, 64, 128, 256), null)));

  @Test
  void gridVisitsEveryCombinationOnceLastParameterFastest() {
    GridSampler grid =
        new GridSampler(
            List.of(
                new SweepParameter(
                    "optimizer.plugin", new Domain.Categorical(List.of("sgd", "adam"), null)),
                new SweepParameter(
                    "optimizer.lr", new Domain.Categorical(List.of(0.1, 0.01, 0.001), null)),
                new SweepParameter("epochs", new Domain.Fixed(3))));
    assertThat(grid.size()).isEqualTo(6);
    assertThat(grid.sample(1, List.of()))
        .isEqualTo(Map.of("optimizer.plugin", "sgd", "optimizer.lr", 0.1, "epochs", 3));
    assertThat(grid.sample(2, List.of()))
        .containsEntry("optimizer.lr", 0.01)
        .containsEntry("optimizer.plugin", "sgd");
    assertThat(grid.sample(4, List.of()))
        .containsEntry("optimizer.lr", 0.1)
        .containsEntry("optimizer.plugin", "adam");
    Set<Map<String, Object>> seen = new HashSet<>();
    for (int i = 1; i <= 6; i++) {
      seen.add(grid.sample(i, List.of()));
    }
    assertThat(seen).hasSize(6);
  }

  @Test
  void quantisedAndIntegerRangesEnumerateTypedValues() {
    assertThat(new Domain.QUniform(32, 128, 32).gridValues()).containsExactly(32, 64, 96, 128);
    assertThat(new Domain.IntUniform(1, 3).gridValues()).containsExactly(1, 2, 3);
    assertThat(new Domain.QUniform(0, 0.3, 0.1).gridValues()).hasSize(4);
    Random r = new Random(1);
    for (int i = 0; i < 200; i++) {
      assertThat((Integer) new Domain.QUniform(32, 128, 32).sample(r)).isIn(32, 64, 96, 128);
      assertThat((Double) new Domain.LogUniform(1e-3, 1).sample(r)).isBetween(1e-3, 1.0);
      assertThat((Integer) new Domain.IntUniform(-2, 2).sample(r)).isBetween(-2, 2);
    }
  }

  @Test
  void categoricalProbabilitiesAreHonoured() {
    Domain.Categorical c = new Domain.Categorical(List.of("a", "b"), new double[] {0.9, 0.1});
    Random r = new Random(7);
    int a = 0;
    for (int i = 0; i < 10_000; i++) {
      a += c.sample(r).equals("a") ? 1 : 0;
    }
    assertThat(a).isBetween(8800, 9200);
  }

  @Test
  void randomDrawsDependOnlyOnSeedAndTrialNumber() {
    RandomSampler s = new RandomSampler(LR_BATCH, 5);
    assertThat(s.sample(3, List.of()))
        .isEqualTo(new RandomSampler(LR_BATCH, 5).sample(3, List.of()));
    assertThat(s.sample(3, List.of())).isNotEqualTo(s.sample(4, List.of()));
    assertThat(s.sample(3, List.of()))
        .isNotEqualTo(new RandomSampler(LR_BATCH, 6).sample(3, List.of()));
  }

  /** A noiseless objective with its optimum at lr = 0.01 and batch size 64. */
  static double loss(Map<String, Object> p) {
    double lr = ((Number) p.get("optimizer.lr")).doubleValue();
    int batch = (Integer) p.get("dataset.batchSize");
    double d = Math.log10(lr) + 2;
    return d * d + (batch == 64 ? 0 : 0.5);
  }

  static double runSweep(Sampler sampler, int trials, List<TrialHistory> out) {
    double best = Double.MAX_VALUE;
    for (int n = 1; n <= trials; n++) {
      Map<String, Object> p = sampler.sample(n, out);
      TrialHistory t = new TrialHistory(n, p, TrialState.FINISHED);
      t.objective(loss(p));
      out.add(t);
      best = Math.min(best, t.objective());
    }
    return best;
  }

  @Test
  void tpeStartsRandomThenConcentratesNearTheOptimum() {
    List<TrialHistory> tpeTrials = new ArrayList<>();
    TpeSampler tpe = new TpeSampler(LR_BATCH, Goal.MINIMIZE, 11, SweepSpec.TpeSettings.DEFAULT);
    runSweep(tpe, 60, tpeTrials);
    // the first 10 are exactly the random sampler's draws
    RandomSampler random = new RandomSampler(LR_BATCH, 11);
    for (int n = 1; n <= 10; n++) {
      assertThat(tpeTrials.get(n - 1).params()).isEqualTo(random.sample(n, List.of()));
    }
    // after start-up, suggestions sit near the optimum far more often than random ones
    long tpeClose = tpeTrials.subList(30, 60).stream().filter(t -> t.objective() < 0.25).count();
    List<TrialHistory> randomTrials = new ArrayList<>();
    runSweep(random, 60, randomTrials);
    long randomClose =
        randomTrials.subList(30, 60).stream().filter(t -> t.objective() < 0.25).count();
    assertThat(tpeClose).isGreaterThan(2 * randomClose).isGreaterThanOrEqualTo(12);
  }

  @Test
  void tpeGammaAndWeightsFollowOptuna() {
    assertThat(TpeSampler.gamma(10)).isEqualTo(1);
    assertThat(TpeSampler.gamma(11)).isEqualTo(2);
    assertThat(TpeSampler.gamma(1000)).isEqualTo(25);
    assertThat(TpeSampler.defaultWeights(3)).containsExactly(1, 1, 1);
    double[] w = TpeSampler.defaultWeights(30);
    assertThat(w[0]).isEqualTo(1.0 / 30);
    assertThat(w[4]).isEqualTo(1.0);
    assertThat(w[29]).isEqualTo(1.0);
  }

  @Test
  void tpeRanksPrunedTrialsAfterFinishedOnesDeepestFirst() {
    TpeSampler tpe = new TpeSampler(LR_BATCH, Goal.MAXIMIZE, 1, SweepSpec.TpeSettings.DEFAULT);
    TrialHistory done = new TrialHistory(1, Map.of(), TrialState.FINISHED);
    done.objective(0.2);
    TrialHistory shallow = new TrialHistory(2, Map.of(), TrialState.PRUNED);
    shallow.report(1, 0.9);
    TrialHistory deep = new TrialHistory(3, Map.of(), TrialState.PRUNED);
    deep.report(1, 0.1);
    deep.report(3, 0.5);
    TrialHistory running = new TrialHistory(4, Map.of(), TrialState.RUNNING);
    running.report(1, 0.99);
    assertThat(tpe.rank(List.of(shallow, running, deep, done)))
        .extracting(TrialHistory::trialNo)
        .containsExactly(1, 3, 2);
  }
}
