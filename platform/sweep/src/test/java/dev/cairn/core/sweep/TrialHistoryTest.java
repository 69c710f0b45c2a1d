package dev.cairn.core.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TrialHistoryTest {
  @Test
  void aCopyKeepsWhatWasReportedAndIgnoresWhatComesAfter() {
    TrialHistory live = new TrialHistory(3, Map.of("lr", 0.1), TrialState.RUNNING);
    live.report(1, 0.9);
    live.report(2, 0.7);

    TrialHistory copy = live.copy();
    live.report(3, 0.5);
    live.state(TrialState.FINISHED);
    live.objective(0.5);

    assertThat(copy.trialNo()).isEqualTo(3);
    assertThat(copy.params()).isEqualTo(Map.of("lr", 0.1));
    assertThat(copy.intermediate()).containsExactly(Map.entry(1L, 0.9), Map.entry(2L, 0.7));
    assertThat(copy.state()).isEqualTo(TrialState.RUNNING);
    assertThat(copy.objective()).isNull();
    assertThat(live.intermediate()).hasSize(3);
  }
}
