package dev.cairn.core.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of a writing JVM loses at most what it had not flushed. */
class H2TrackingStoreCrashTest {
  @TempDir Path dataDir;

  @Test
  void killedWhileWritingKeepsEveryFlushedBatch() throws Exception {
    String runId;
    try (ChildJvm child = startWriter("steady")) {
      runId = child.awaitLine("RUN ", 60).substring(4);
      child.awaitLine("FLUSHED 2999", 60);
      Thread.sleep(300); // let it write unflushed points
      child.kill();
    }

    try (H2TrackingStore store = H2TrackingStore.openInDirectory(dataDir)) {
      Series series = store.readSeries(runId, "loss", 0).orElseThrow();
      assertThat(series.size()).isEqualTo(3000);
      for (int i = 0; i < 3000; i++) {
        assertThat(series.steps()[i]).isEqualTo(i);
        assertThat(series.values()[i]).isEqualTo(TestRuns.value(i));
      }

      assertThat(store.failAbandonedRuns("the server stopped", Duration.ZERO)).isEqualTo(1);
      RunRecord run = store.getRun(runId).orElseThrow();
      assertThat(run.status()).isEqualTo(RunStatus.FAILED);
      assertThat(run.message()).isEqualTo("the server stopped");

      // the series goes on where the flushed data ends
      store.writeScalars(TestRuns.points(runId, "loss", 0, 3100));
      store.flush();
      assertThat(store.readSeries(runId, "loss", 0).orElseThrow().size()).isEqualTo(3100);
    }
  }

  @Test
  void killedAtAnyMomentOfFlushingKeepsAPrefixWithEveryAcknowledgedPoint() throws Exception {
    String runId;
    long acknowledged;
    try (ChildJvm child = startWriter("flushing")) {
      runId = child.awaitLine("RUN ", 60).substring(4);
      child.awaitLine("FLUSHED 2999", 60);
      String line = "";
      for (int i = 0; i < 40; i++) {
        line = child.awaitLine("FLUSHED ", 60);
      }
      child.kill();
      acknowledged = Long.parseLong(line.substring("FLUSHED ".length()));
    }

    try (H2TrackingStore store = H2TrackingStore.openInDirectory(dataDir)) {
      Series series = store.readSeries(runId, "loss", 0).orElseThrow();
      assertThat(series.size()).isGreaterThan((int) acknowledged);
      for (int i = 0; i < series.size(); i++) {
        assertThat(series.steps()[i]).isEqualTo(i);
      }
      assertThat(store.series(runId))
          .singleElement()
          .satisfies(s -> assertThat(s.count()).isEqualTo(series.size()));
      assertThat(store.listRuns(new RunQuery("crash", RunStatus.RUNNING, 10, null)).items())
          .extracting(RunRecord::id)
          .isEqualTo(List.of(runId));
    }
  }

  private ChildJvm startWriter(String mode) throws Exception {
    return ChildJvm.start(
        List.of("-Xmx256m"), CrashingWriterMain.class.getName(), mode, dataDir.toString());
  }
}
