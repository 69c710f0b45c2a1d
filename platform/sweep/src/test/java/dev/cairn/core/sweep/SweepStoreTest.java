package dev.cairn.core.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.tracking.H2TrackingStore;
import dev.cairn.core.tracking.NewRun;
import dev.cairn.core.tracking.RunStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepStoreTest {
  @TempDir Path dir;
  H2TrackingStore tracking;
  SweepStore store;

  @BeforeEach
  void open() {
    tracking = H2TrackingStore.openInDirectory(dir);
    store = new H2SweepStore(tracking.database());
  }

  @AfterEach
  void close() {
    tracking.close();
  }

  SweepSpec spec() {
    return SweepSpecParser.parse(
        SweepSpecParserTest.BASE
            + """
        name: s
        method: random
        metric: {name: epoch/test_accuracy, goal: maximize}
        parameters: {optimizer.lr: {distribution: log_uniform, min: 0.01, max: 1}}
        run_cap: 3
        """,
        null,
        "s");
  }

  @Test
  void sweepsAndTrialsRoundTripAndRunsCanBePrunedAndRequeued() {
    SweepRecord sweep = store.create(spec(), "hash1");
    assertThat(store.findRunning("hash1")).contains(sweep);
    assertThat(store.findRunning("other")).isEmpty();
    var run =
        tracking.createRun(
            new NewRun("e", "s-1", "", "", 1, "cpu", Map.of(), Map.of("optimizer.lr", "0.1")));
    TrialRecord t =
        new TrialRecord(
            sweep.id(),
            1,
            run.id(),
            TrialState.QUEUED,
            Map.of("optimizer.lr", 0.1, "model.hidden", List.of(8, 4)),
            null,
            null,
            null,
            1,
            null,
            null,
            SweepStore.now(),
            null,
            null,
            null,
            null,
            null);
    store.saveTrial(t);
    assertThat(store.allTrials(sweep.id())).containsExactly(t);
    assertThat(store.trialOfRun(run.id())).contains(t);
    assertThat(store.trials(sweep.id(), 1, 0)).containsExactly(t);
    assertThat(store.trials(sweep.id(), 1, 1)).isEmpty();
    assertThatThrownBy(() -> store.trials(sweep.id(), SweepStore.MAX_PAGE + 1, 0))
        .hasMessageContaining("a page is 1..1000 trials");

    tracking.markRunning(run.id(), "cpu()");
    tracking.markEnded(run.id(), RunStatus.PRUNED, "pruned at step 2");
    assertThat(tracking.getRun(run.id()).orElseThrow().status()).isEqualTo(RunStatus.PRUNED);
    TrialRecord pruned =
        new TrialRecord(
            sweep.id(),
            1,
            run.id(),
            TrialState.PRUNED,
            t.params(),
            0.5,
            2L,
            2L,
            1,
            "w1",
            "pruned",
            t.createdAt(),
            SweepStore.now(),
            SweepStore.now(),
            null,
            null,
            SweepStore.now());
    store.saveTrial(pruned);
    assertThat(store.allTrials(sweep.id())).containsExactly(pruned);

    // the tracking store's run-change listeners (the dashboard's run list) hear of sweep writes
    List<String> changed = new CopyOnWriteArrayList<>();
    tracking.onRunChanged(changed::add);
    assertThat(store.requeueRun(run.id())).isTrue();
    assertThat(tracking.getRun(run.id()).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
    assertThat(changed).containsExactly(run.id());
    tracking.markRunning(run.id(), "cpu()");
    tracking.markEnded(run.id(), RunStatus.FINISHED, null);
    changed.clear();
    assertThat(store.requeueRun(run.id())).as("a finished run stays finished").isFalse();
    assertThat(changed).as("nothing changed, nobody told").isEmpty();

    store.updateLimits(sweep.id(), 9, 2);
    store.end(sweep.id(), SweepStatus.FINISHED, "done");
    SweepRecord ended = store.find(sweep.id()).orElseThrow();
    assertThat(ended.status()).isEqualTo(SweepStatus.FINISHED);
    assertThat(ended.runCap()).isEqualTo(9);
    assertThat(ended.endedAt()).isNotNull();
    assertThat(store.list(null, 10)).containsExactly(ended);
    assertThat(store.findRunning("hash1")).isEmpty();

    // a run stored for a trial whose row never made it (the process died in between) is removed
    var orphan =
        tracking.createRun(
            new NewRun("e", "s-2", "", "", 1, "cpu", Map.of(), Map.of("sweep.id", sweep.id())));
    var other =
        tracking.createRun(
            new NewRun("e", "x", "", "", 1, "cpu", Map.of(), Map.of("sweep.id", "another")));
    changed.clear();
    assertThat(store.deleteOrphanRuns(sweep.id())).isEqualTo(1);
    assertThat(changed).containsExactly(orphan.id());
    assertThat(tracking.getRun(orphan.id())).isEmpty();
    assertThat(tracking.getRun(other.id())).isPresent();
    assertThat(tracking.getRun(run.id())).isPresent();

    // deleting the run takes its trial row with it
    tracking.deleteRun(run.id());
    assertThat(store.allTrials(sweep.id())).isEmpty();
  }
}
