package dev.cairn.core.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrunersTest {
  static TrialHistory trial(int no, TrialState state, double... values) {
    TrialHistory t = new TrialHistory(no, Map.of(), state);
    for (int i = 0; i < values.length; i++) {
      t.report(i + 1, values[i]);
    }
    if (state == TrialState.FINISHED) {
      t.objective(values[values.length - 1]);
    }
    return t;
  }

  @Test
  void medianWaitsForFiveFinishedTrialsThenPrunesBelowTheMedian() {
    MedianPruner pruner = (MedianPruner) EarlyTerminate.median().pruner(10, 0);
    List<TrialHistory> all = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      all.add(trial(i, TrialState.FINISHED, 0.5 + i * 0.1, 0.6 + i * 0.1));
    }
    TrialHistory bad = trial(9, TrialState.RUNNING, 0.1);
    all.add(bad);
    assertThat(pruner.check(bad, 1, all, Goal.MAXIMIZE)).as("only 4 finished").isEmpty();
    all.add(trial(5, TrialState.FINISHED, 1.0, 1.1));
    assertThat(pruner.check(bad, 1, all, Goal.MAXIMIZE))
        .get()
        .asString()
        .contains("step 1", "0.1", "median 0.8", "5 finished trials");
    TrialHistory good = trial(10, TrialState.RUNNING, 0.85);
    all.add(good);
    assertThat(pruner.check(good, 1, all, Goal.MAXIMIZE)).isEmpty();
    // minimize: the same values mean the opposite
    assertThat(pruner.check(good, 1, all, Goal.MINIMIZE)).isPresent();
    assertThat(pruner.check(bad, 1, all, Goal.MINIMIZE)).isEmpty();
  }

  @Test
  void ashaKeepsTheTopThirdAtEachRungAndNeverPrunesTheLastStep() {
    AshaPruner asha = new AshaPruner(1, 3, 0, 10);
    assertThat(asha.rungs()).containsExactly(1L, 3L, 9L);
    List<TrialHistory> all = new ArrayList<>();
    TrialHistory first = trial(1, TrialState.RUNNING, 0.5);
    all.add(first);
    assertThat(asha.check(first, 1, all, Goal.MAXIMIZE))
        .as("alone at the rung: the best")
        .isEmpty();
    TrialHistory worse = trial(2, TrialState.RUNNING, 0.4);
    all.add(worse);
    assertThat(asha.check(worse, 1, all, Goal.MAXIMIZE))
        .as("fewer than eta values: only the best goes on")
        .get()
        .asString()
        .contains("rung 0 (step 1)", "needed 0.5");
    all.add(trial(3, TrialState.PRUNED, 0.3));
    all.add(trial(4, TrialState.PRUNED, 0.2));
    all.add(trial(5, TrialState.PRUNED, 0.1));
    TrialHistory second = trial(6, TrialState.RUNNING, 0.45);
    all.add(second);
    // 6 values at rung 0: the best 6/3 = 2 go on (0.5 and 0.45)
    assertThat(asha.check(second, 1, all, Goal.MAXIMIZE)).isEmpty();
    // steps between rungs are not judged
    second.report(2, 0.0);
    assertThat(asha.check(second, 2, all, Goal.MAXIMIZE)).isEmpty();
    TrialHistory last =
        trial(7, TrialState.RUNNING, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.0);
    all.add(last);
    assertThat(asha.check(last, 10, all, Goal.MAXIMIZE)).isEmpty();
  }

  @Test
  void ashaJudgesARungSkippedBetweenReports() {
    AshaPruner asha = new AshaPruner(2, 2, 0, 100);
    TrialHistory a = new TrialHistory(1, Map.of(), TrialState.RUNNING);
    a.report(5, 0.1);
    TrialHistory b = new TrialHistory(2, Map.of(), TrialState.RUNNING);
    b.report(3, 0.9);
    b.report(5, 0.2);
    // b crosses rung 4 at step 5 (values at the first step >= 4): 0.2 vs a's 0.1, minimize: b is
    // worse
    assertThat(asha.check(b, 5, List.of(a, b), Goal.MINIMIZE)).isPresent();
  }

  @Test
  void hyperbandSpreadsTrialsOverBracketsAndComparesWithinOne() {
    HyperbandPruner hb = new HyperbandPruner(1, 27, 3, 42);
    assertThat(hb.bracketCount()).isEqualTo(4);
    int[] counts = new int[4];
    for (int n = 1; n <= 400; n++) {
      counts[hb.bracketOf(n)]++;
    }
    assertThat(Arrays.stream(counts).min().orElseThrow()).isPositive();
    assertThat(counts[0]).isGreaterThan(counts[3]);
    // two trials in different brackets never compete
    int a = 1;
    while (hb.bracketOf(a) != 0) {
      a++;
    }
    int b = a + 1;
    while (hb.bracketOf(b) == 0) {
      b++;
    }
    TrialHistory good = trial(a, TrialState.RUNNING, 0.9);
    TrialHistory bad = trial(b, TrialState.RUNNING, 0.1);
    assertThat(hb.check(bad, 1, List.of(good, bad), Goal.MAXIMIZE)).isEmpty();
    // within bracket 0 (first rung at step 1) the worse of two is stopped
    int c = b + 1;
    while (hb.bracketOf(c) != 0) {
      c++;
    }
    TrialHistory worse = trial(c, TrialState.RUNNING, 0.2);
    assertThat(hb.check(worse, 1, List.of(good, bad, worse), Goal.MAXIMIZE))
        .get()
        .asString()
        .startsWith("hyperband bracket 0, asha at rung 0");
  }
}
