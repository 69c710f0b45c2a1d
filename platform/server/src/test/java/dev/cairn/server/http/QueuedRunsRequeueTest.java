package dev.cairn.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.tracking.H2TrackingStore;
import dev.cairn.core.tracking.NewRun;
import dev.cairn.core.tracking.RunRecord;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a server left QUEUED when it died (their lease long expired) are trained by the next server
 * on the same database, under their own ids and in the order they were submitted; one whose spec no
 * longer resolves ends FAILED saying why; a RUNNING one ends FAILED as before.
 */
class QueuedRunsRequeueTest {
  static final String SPEC =
      """
      name: %s
      epochs: 1
      dataset: {plugin: xor, repeat: 2, batchSize: 4}
      model: {plugin: mlp, hidden: [4]}
      optimizer: {plugin: sgd, lr: 0.1}
      loss: softmax-cross-entropy
      """;

  @TempDir Path data;

  @Test
  @Timeout(180)
  void queuedRunsOfADeadServerTrainAtTheNextStartInTheirOrder() throws Exception {
    List<String> queued = new ArrayList<>();
    String broken;
    String running;
    try (H2TrackingStore dead = H2TrackingStore.openInDirectory(data)) {
      for (int i = 0; i < 3; i++) {
        queued.add(dead.createRun(run("q" + i, SPEC.formatted("q" + i))).id());
      }
      broken =
          dead.createRun(
                  run(
                      "broken",
                      SPEC.formatted("broken").replace("plugin: mlp", "plugin: nosuchmodel")))
              .id();
      running = dead.createRun(run("r", SPEC.formatted("r"))).id();
      dead.markRunning(running, "cpu");
      // the server died long ago: no lease is fresh
      try (Connection c = dead.dataSource().getConnection();
          Statement st = c.createStatement()) {
        st.executeUpdate(
            "UPDATE runs SET heartbeat_at = TIMESTAMP WITH TIME ZONE '2020-01-01 00:00:00+00'");
      }
    }
    try (Platform platform = Platform.start(new CairnOptions(data, null, null, true))) {
      assertThat(platform.store().getRun(running).orElseThrow().status())
          .isEqualTo(RunStatus.FAILED);
      assertThat(platform.store().getRun(queued.get(0)).orElseThrow().status())
          .isEqualTo(RunStatus.QUEUED);
      ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0);
      platform
          .vertx()
          .deployVerticle(api)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      long deadline = System.currentTimeMillis() + 150_000;
      while (System.currentTimeMillis() < deadline
          && queued.stream()
              .anyMatch(id -> !platform.store().getRun(id).orElseThrow().status().terminal())) {
        Thread.sleep(200);
      }
      List<RunRecord> runs =
          queued.stream().map(id -> platform.store().getRun(id).orElseThrow()).toList();
      for (RunRecord r : runs) {
        assertThat(r.status()).as(r.name() + " " + r.message()).isEqualTo(RunStatus.FINISHED);
      }
      assertThat(runs.get(0).startedAt()).isBefore(runs.get(1).startedAt());
      assertThat(runs.get(1).startedAt()).isBefore(runs.get(2).startedAt());
      RunRecord failed = platform.store().getRun(broken).orElseThrow();
      assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
      assertThat(failed.message())
          .startsWith("queued when its server stopped; its spec no longer resolves: ")
          .contains("nosuchmodel");
    }
  }

  static NewRun run(String name, String spec) {
    return new NewRun("requeue", name, spec, null, 1, "cpu", null, null);
  }
}
