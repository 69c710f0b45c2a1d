package dev.cairn.core.tracking;

import static dev.cairn.core.tracking.TestRuns.newRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2TrackingStoreRunsTest {
  @TempDir Path dataDir;
  H2TrackingStore store;

  @BeforeEach
  void open() {
    store = H2TrackingStore.openInDirectory(dataDir);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void createdRunIsQueuedWithShortIdAndReadsBackEqual() {
    RunRecord created = store.createRun(newRun("fashion", "mlp-1"));

    assertThat(created.id()).matches("[0-9a-z]{8}");
    assertThat(created.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(created.startedAt()).isNull();
    assertThat(store.getRun(created.id())).contains(created);
    assertThat(created.provenance()).containsEntry("djl", "0.35.1");
    assertThat(store.params(created.id()))
        .containsExactly(Map.entry("batch", "64"), Map.entry("optimizer.lr", "0.1"));
    assertThat(store.getRun("nope")).isEmpty();
  }

  @Test
  void listsNewestFirstInKeysetPagesWithFilters() {
    List<RunRecord> created = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      created.add(store.createRun(newRun(i % 2 == 0 ? "even" : "odd", "run-" + i)));
    }
    store.markRunning(created.get(24).id(), "cpu");

    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Page<RunRecord> page = store.listRuns(new RunQuery(null, null, 10, token));
      page.items().forEach(r -> seen.add(r.name()));
      token = page.nextPageToken();
      pages++;
    } while (token != null);

    List<String> newestFirst = new ArrayList<>();
    for (int i = 24; i >= 0; i--) {
      newestFirst.add("run-" + i);
    }
    assertThat(seen).isEqualTo(newestFirst);
    assertThat(pages).isEqualTo(3);

    Page<RunRecord> odd = store.listRuns(new RunQuery("odd", null, 100, null));
    assertThat(odd.items()).hasSize(12).allMatch(r -> r.experiment().equals("odd"));
    assertThat(odd.nextPageToken()).isNull();

    Page<RunRecord> evenQueued = store.listRuns(new RunQuery("even", RunStatus.QUEUED, 5, null));
    assertThat(evenQueued.items())
        .extracting(RunRecord::name)
        .containsExactly("run-22", "run-20", "run-18", "run-16", "run-14");
    Page<RunRecord> next =
        store.listRuns(new RunQuery("even", RunStatus.QUEUED, 5, evenQueued.nextPageToken()));
    assertThat(next.items())
        .extracting(RunRecord::name)
        .containsExactly("run-12", "run-10", "run-8", "run-6", "run-4");

    assertThat(store.listRuns(new RunQuery(null, RunStatus.RUNNING, 10, null)).items())
        .extracting(RunRecord::name)
        .containsExactly("run-24");
    assertThat(store.listRuns(new RunQuery("missing", null, 10, null)).items()).isEmpty();
  }

  @Test
  void rejectsAForgedPageToken() {
    assertThatThrownBy(() -> store.listRuns(new RunQuery(null, null, 10, "not-a-token")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid page token 'not-a-token'");
  }

  @Test
  void runLifeCycle() {
    RunRecord run = store.createRun(newRun("e", "r"));
    store.markRunning(run.id(), "gpu(0)");
    RunRecord running = store.getRun(run.id()).orElseThrow();
    assertThat(running.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(running.device()).isEqualTo("gpu(0)");
    assertThat(running.startedAt()).isNotNull();

    assertThatThrownBy(() -> store.markRunning(run.id(), "cpu"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is RUNNING");

    store.markEnded(run.id(), RunStatus.KILLED, "stopped by user");
    store.markEnded(run.id(), RunStatus.FINISHED, null);
    RunRecord ended = store.getRun(run.id()).orElseThrow();
    assertThat(ended.status()).isEqualTo(RunStatus.KILLED);
    assertThat(ended.message()).isEqualTo("stopped by user");
    assertThat(ended.endedAt()).isAfterOrEqualTo(ended.startedAt());

    assertThatThrownBy(() -> store.markEnded(run.id(), RunStatus.RUNNING, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.markRunning("missing", "cpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Run 'missing' not found");
  }

  @Test
  void logParamsAddsAndReplaces() {
    RunRecord run = store.createRun(newRun("e", "r"));
    store.logParams(run.id(), Map.of("optimizer.lr", "0.01", "epochs", "3"));

    assertThat(store.params(run.id()))
        .containsExactly(
            Map.entry("batch", "64"), Map.entry("epochs", "3"), Map.entry("optimizer.lr", "0.01"));
    assertThatThrownBy(() -> store.logParams("missing", Map.of("a", "b")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void failAbandonedRunsFailsRunningOnlyAndLeavesQueuedRunsQueued() {
    RunRecord queued = store.createRun(newRun("e", "q"));
    RunRecord running = store.createRun(newRun("e", "r"));
    RunRecord finished = store.createRun(newRun("e", "f"));
    store.markRunning(running.id(), "cpu");
    store.markEnded(finished.id(), RunStatus.FINISHED, null);

    assertThat(store.failAbandonedRuns("server restarted", Duration.ZERO)).isEqualTo(1);

    RunRecord failed = store.getRun(running.id()).orElseThrow();
    assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
    assertThat(failed.message()).isEqualTo("server restarted");
    assertThat(failed.endedAt()).isNotNull();
    assertThat(store.getRun(queued.id()).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
    assertThat(store.getRun(finished.id()).orElseThrow().status()).isEqualTo(RunStatus.FINISHED);
  }

  @Test
  void queuedRunsOfADeadProcessAreClaimedOnceOldestFirst() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(store.createRun(newRun("e", "q" + i)).id());
    }
    store.close();
    // another process: within the lease the runs are still the first one's; once it expired they
    // are claimed
    try (H2TrackingStore next = H2TrackingStore.openInDirectory(dataDir)) {
      assertThat(next.claimQueuedRuns()).as("leases still fresh").isEmpty();
      assertThat(next.failAbandonedRuns("dead", Duration.ZERO))
          .as("queued runs are not failed")
          .isZero();
      assertThat(next.claimQueuedRuns(Duration.ZERO)).containsExactlyElementsOf(ids);
      assertThat(next.claimQueuedRuns()).as("claimed: leased by this process now").isEmpty();
      assertThat(next.ownedRuns()).containsExactlyInAnyOrderElementsOf(ids);
    }
  }

  @Test
  void deleteRunRemovesParamsAndSeries() {
    RunRecord run = store.createRun(newRun("e", "r"));
    RunRecord other = store.createRun(newRun("e", "other"));
    store.writeScalars(TestRuns.points(run.id(), "loss", 0, 3000));
    store.writeScalars(TestRuns.points(other.id(), "loss", 0, 10));
    store.flush();
    store.writeScalars(TestRuns.points(run.id(), "loss", 3000, 10));

    assertThat(store.deleteRun(run.id())).isTrue();
    store.flush();

    assertThat(store.getRun(run.id())).isEmpty();
    assertThat(store.params(run.id())).isEmpty();
    assertThat(store.series(run.id())).isEmpty();
    assertThat(store.readSeries(run.id(), "loss", 0)).isEmpty();
    assertThat(store.deleteRun(run.id())).isFalse();
    assertThat(store.readSeries(other.id(), "loss", 0).orElseThrow().size()).isEqualTo(10);
  }

  @Test
  void reopenAfterCloseKeepsEverything() {
    RunRecord run = store.createRun(newRun("e", "r"));
    store.writeScalars(TestRuns.points(run.id(), "loss", 0, 1500));
    store.close();

    store = H2TrackingStore.openInDirectory(dataDir);
    assertThat(store.getRun(run.id())).contains(run);
    assertThat(store.series(run.id()))
        .singleElement()
        .satisfies(s -> assertThat(s.count()).isEqualTo(1500));
  }

  @Test
  void aClosedStoreSaysSo() {
    store.close();
    assertThatThrownBy(() -> store.getRun("x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
    store.close();
  }
}
