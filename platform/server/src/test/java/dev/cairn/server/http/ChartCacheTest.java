package dev.cairn.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.tracking.RunRecord;
import dev.cairn.core.tracking.RunStatus;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChartCacheTest {
  private static RunIndex.Entry summary(String id, RunStatus status) {
    RunRecord run =
        new RunRecord(
            id,
            "exp",
            "name-" + id,
            status,
            Instant.EPOCH,
            Instant.EPOCH,
            null,
            1,
            "cpu",
            "",
            "",
            null,
            Map.of(),
            null);
    JsonObject row = new JsonObject().put("id", id);
    return new RunIndex.Entry(run, Map.of(), Map.of(), List.of(), "", row, row.encode(), Map.of());
  }

  @Test
  void anEndedRunsSeriesIsKeptUntilItsSummaryChanges() {
    ChartCache cache = new ChartCache();
    RunIndex.Entry ended = summary("a", RunStatus.FINISHED);
    cache.put(ended, "loss", 100, 0.6, Long.MIN_VALUE, Long.MAX_VALUE, "{\"runId\":\"a\"}");

    assertThat(cache.get(ended, "loss", 100, 0.6, Long.MIN_VALUE, Long.MAX_VALUE))
        .isEqualTo("{\"runId\":\"a\"}");
    // another tag, point count, smoothing or window is another entry
    assertThat(cache.get(ended, "acc", 100, 0.6, Long.MIN_VALUE, Long.MAX_VALUE)).isNull();
    assertThat(cache.get(ended, "loss", 200, 0.6, Long.MIN_VALUE, Long.MAX_VALUE)).isNull();
    assertThat(cache.get(ended, "loss", 100, 0.0, Long.MIN_VALUE, Long.MAX_VALUE)).isNull();
    assertThat(cache.get(ended, "loss", 100, 0.6, 10, 20)).isNull();
    // new data (or notes, or a status) gives the run a new summary: the old series is not used
    RunIndex.Entry reread = summary("a", RunStatus.FINISHED);
    assertThat(cache.get(reread, "loss", 100, 0.6, Long.MIN_VALUE, Long.MAX_VALUE)).isNull();
    assertThat(cache.get(ended, "loss", 100, 0.6, Long.MIN_VALUE, Long.MAX_VALUE)).isNull();
  }

  @Test
  void aRunThatStillTrainsIsNotKept() {
    ChartCache cache = new ChartCache();
    RunIndex.Entry running = summary("b", RunStatus.RUNNING);
    cache.put(running, "loss", 100, 0.6, Long.MIN_VALUE, Long.MAX_VALUE, "{}");
    assertThat(cache.get(running, "loss", 100, 0.6, Long.MIN_VALUE, Long.MAX_VALUE)).isNull();
  }

  @Test
  void theLeastRecentlyUsedGoFirstPastTheLimit() {
    ChartCache cache = new ChartCache();
    String big = "x".repeat((int) (ChartCache.MAX_CHARS / 16));
    RunIndex.Entry[] runs = new RunIndex.Entry[17];
    for (int i = 0; i < runs.length; i++) {
      runs[i] = summary("r" + i, RunStatus.FINISHED);
      cache.put(runs[i], "loss", 100, 0, Long.MIN_VALUE, Long.MAX_VALUE, big);
      if (i == 0) {
        continue;
      }
      // r0 is read after every put: always the most recently used
      assertThat(cache.get(runs[0], "loss", 100, 0, Long.MIN_VALUE, Long.MAX_VALUE)).isNotNull();
    }
    // 17 series of a 16th of the limit: one had to go, the least recently used (r1)
    assertThat(cache.get(runs[1], "loss", 100, 0, Long.MIN_VALUE, Long.MAX_VALUE)).isNull();
    assertThat(cache.get(runs[0], "loss", 100, 0, Long.MIN_VALUE, Long.MAX_VALUE)).isNotNull();
    assertThat(cache.get(runs[16], "loss", 100, 0, Long.MIN_VALUE, Long.MAX_VALUE)).isNotNull();
  }
}
