package dev.cairn.core.tracking;

import static dev.cairn.core.tracking.TestRuns.newRun;
import static dev.cairn.core.tracking.TestRuns.points;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2TrackingStoreSeriesTest {
  @TempDir Path dataDir;
  H2TrackingStore store;
  String runId;

  @BeforeEach
  void open() {
    store = H2TrackingStore.openInDirectory(dataDir);
    runId = store.createRun(newRun("e", "r")).id();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private void reopen() {
    store.close();
    store = H2TrackingStore.openInDirectory(dataDir);
  }

  @Test
  void manyRunsOfOneTagReadInOneGoMatchEachRunReadAlone() {
    // more runs than one query takes, chunks over several flushes, one run without the tag
    List<String> ids = new ArrayList<>();
    for (int r = 0; r < ChunkDao.MAX_IN + 5; r++) {
      String id = store.createRun(newRun("e", "r" + r)).id();
      ids.add(id);
      store.writeScalars(points(id, "train/loss", 0, 700 + r));
      if (r % 50 == 0) {
        store.flush();
      }
    }
    store.writeScalars(points(runId, "other", 0, 3));
    store.flush();
    List<String> asked = new ArrayList<>(ids);
    asked.add(runId);
    asked.add("nosuchrun");
    Map<String, Series> got = new HashMap<>();
    store.readSeries(asked, "train/loss", s -> assertThat(got.put(s.runId(), s)).isNull());

    assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    for (String id : ids) {
      Series alone = store.readSeries(id, "train/loss", 0).orElseThrow();
      Series batch = got.get(id);
      assertThat(batch.tag()).isEqualTo("train/loss");
      assertThat(batch.totalPoints()).isEqualTo(alone.totalPoints());
      assertThat(batch.steps()).isEqualTo(alone.steps());
      assertThat(batch.wallTimes()).isEqualTo(alone.wallTimes());
      assertThat(batch.values()).isEqualTo(alone.values());
    }
  }

  @Test
  void theStoreNamesEveryRunItChanges() {
    List<String> told = new CopyOnWriteArrayList<>();
    store.onRunChanged(told::add);
    String id = store.createRun(newRun("e", "told")).id();
    store.markRunning(id, "cpu");
    store.logParams(id, Map.of("a", "1"));
    store.writeScalars(points(id, "train/loss", 0, 10));
    store.flush();
    store.markEnded(id, RunStatus.FINISHED, null);
    assertThat(store.deleteRun(id)).isTrue();
    assertThat(store.deleteRun(id)).isFalse();
    // created, started, params, ended, deleted: points and flushes are the writer's to tell
    assertThat(told).containsExactly(id, id, id, id, id);
  }

  @Test
  void tenThousandPointsInSeveralFlushesReadBackBitExact() {
    List<ScalarPoint> written = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      // irregular steps and wall times, values that stress the encoding
      long step = i * 8L + (i % 7);
      long wall = 1_700_000_000_000L + i * 11L - (i % 5 == 0 ? 4 : 0);
      double value =
          switch (i % 6) {
            case 0 -> Math.random();
            case 1 -> -0.0;
            case 2 -> Double.MIN_VALUE;
            case 3 -> Double.longBitsToDouble(0x7ff8_0000_0000_1234L);
            case 4 -> Double.NEGATIVE_INFINITY;
            default -> i * 1e300;
          };
      written.add(new ScalarPoint(runId, "train/loss", step, wall, value));
    }
    for (int from = 0; from < written.size(); from += 1_700) {
      store.writeScalars(written.subList(from, Math.min(written.size(), from + 1_700)));
      store.flush();
    }

    Series series = store.readSeries(runId, "train/loss", 0).orElseThrow();

    assertThat(series.size()).isEqualTo(10_000);
    assertThat(series.totalPoints()).isEqualTo(10_000);
    assertThat(series.downsampled()).isFalse();
    for (int i = 0; i < written.size(); i++) {
      ScalarPoint p = written.get(i);
      assertThat(series.steps()[i]).isEqualTo(p.step());
      assertThat(series.wallTimes()[i]).isEqualTo(p.wallTimeMillis());
      assertThat(Double.doubleToRawLongBits(series.values()[i]))
          .as("value %d", i)
          .isEqualTo(Double.doubleToRawLongBits(p.value()));
    }
    assertThat(store.readSeries(runId, "train/loss", 20_000).orElseThrow().size())
        .isEqualTo(10_000);
  }

  /**
   * Whole series land like the same points one by one: across chunk boundaries and flushes, a
   * replayed overlap stored once, and a batch with one bad series stores nothing.
   */
  @Test
  void wholeSeriesStoreLikeTheirPointsAndOverlapsOnce() {
    List<ScalarPoint> written = new ArrayList<>();
    for (int from = 0; from < 5_000; from += 1_300) {
      int n = Math.min(1_300, 5_000 - from);
      // each block repeats the previous block's last 100 steps, as a retried batch would
      int start = Math.max(0, from - 100);
      long[] steps = new long[from + n - start];
      long[] walls = new long[steps.length];
      double[] values = new double[steps.length];
      for (int i = 0; i < steps.length; i++) {
        steps[i] = (start + i) * 3L;
        walls[i] = 1_700_000_000_000L + (start + i);
        values[i] = Math.sin(start + i);
      }
      for (int i = from - start; i < steps.length; i++) {
        written.add(new ScalarPoint(runId, "loss", steps[i], walls[i], values[i]));
      }
      store.writeScalarSeries(List.of(new ScalarSeries(runId, "loss", steps, walls, values)));
      store.flush();
    }
    reopen();

    Series series = store.readSeries(runId, "loss", 0).orElseThrow();
    assertThat(series.size()).isEqualTo(5_000);
    for (int i = 0; i < written.size(); i++) {
      assertThat(series.steps()[i]).isEqualTo(written.get(i).step());
      assertThat(series.wallTimes()[i]).isEqualTo(written.get(i).wallTimeMillis());
      assertThat(series.values()[i]).isEqualTo(written.get(i).value());
    }

    ScalarSeries good =
        new ScalarSeries(runId, "acc", new long[] {1}, new long[] {1}, new double[] {1});
    ScalarSeries bad =
        new ScalarSeries(runId, "x".repeat(256), new long[] {1}, new long[] {1}, new double[] {1});
    assertThatThrownBy(() -> store.writeScalarSeries(List.of(good, bad)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 255 characters");
    store.flush();
    assertThat(store.readSeries(runId, "acc", 0)).isEmpty();
  }

  @Test
  void summariesComeFromChunkHeaders() {
    store.writeScalars(points(runId, "loss", 0, 2_500));
    List<ScalarPoint> acc = new ArrayList<>();
    acc.add(new ScalarPoint(runId, "acc", 5, 1, 0.5));
    acc.add(new ScalarPoint(runId, "acc", 6, 2, Double.NaN));
    acc.add(new ScalarPoint(runId, "acc", 7, 3, 0.25));
    acc.add(new ScalarPoint(runId, "acc", 8, 4, 0.75));
    store.writeScalars(acc);
    store.flush();

    assertThat(store.series(runId))
        .containsExactly(
            new SeriesSummary("acc", 4, 5, 8, 0.25, 0.75, 0.75),
            new SeriesSummary(
                "loss", 2_500, 0, 2_499, minOf(2_500), maxOf(2_500), TestRuns.value(2_499)));
    assertThat(store.series("no-such-run")).isEmpty();
  }

  private static double minOf(int n) {
    double min = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      min = Math.min(min, TestRuns.value(i));
    }
    return min;
  }

  private static double maxOf(int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, TestRuns.value(i));
    }
    return max;
  }

  @Test
  void downsamplingKeepsASinglePointSpikeAndTheLastPoint() {
    int n = 100_000;
    List<ScalarPoint> points = new ArrayList<>(points(runId, "loss", 0, n));
    points.set(31_337, new ScalarPoint(runId, "loss", 31_337, 0, 1e6));
    points.set(77_001, new ScalarPoint(runId, "loss", 77_001, 0, -1e6));
    store.writeScalars(points);
    store.flush();

    Series series = store.readSeries(runId, "loss", 500).orElseThrow();

    assertThat(series.downsampled()).isTrue();
    assertThat(series.totalPoints()).isEqualTo(n);
    assertThat(series.size()).isLessThanOrEqualTo(500).isGreaterThan(400);
    assertThat(series.steps()).contains(31_337L, 77_001L);
    assertThat(series.values()).contains(1e6, -1e6);
    assertThat(series.steps()[series.size() - 1]).isEqualTo(n - 1);
    assertThat(series.values()[series.size() - 1]).isEqualTo(TestRuns.value(n - 1));
    for (int i = 1; i < series.size(); i++) {
      assertThat(series.steps()[i]).isGreaterThan(series.steps()[i - 1]);
    }
  }

  @Test
  void replayedAndOutOfOrderStepsAreIgnoredAlsoAfterReopening() {
    store.writeScalars(points(runId, "loss", 0, 100));
    store.writeScalars(points(runId, "loss", 50, 100)); // 50..99 replayed, 100..149 new
    store.writeScalars(List.of(new ScalarPoint(runId, "loss", 10, 0, 99.0)));
    store.flush();
    assertThat(store.readSeries(runId, "loss", 0).orElseThrow().steps())
        .hasSize(150)
        .startsWith(0L, 1L)
        .endsWith(148L, 149L);

    reopen();
    store.writeScalars(points(runId, "loss", 0, 200)); // only 150..199 are new
    store.flush();

    Series series = store.readSeries(runId, "loss", 0).orElseThrow();
    assertThat(series.size()).isEqualTo(200);
    for (int i = 0; i < 200; i++) {
      assertThat(series.steps()[i]).isEqualTo(i);
      assertThat(series.values()[i]).isEqualTo(TestRuns.value(i));
    }
  }

  @Test
  void anOpenChunkGoesOnFillingAfterReopeningAndSealedChunksStay() {
    store.writeScalars(points(runId, "loss", 0, 1_500)); // one sealed chunk, one with 476
    store.flush();
    reopen();
    store.writeScalars(points(runId, "loss", 1_500, 1_000));
    store.flush();

    Series series = store.readSeries(runId, "loss", 0).orElseThrow();
    assertThat(series.size()).isEqualTo(2_500);
    for (int i = 0; i < 2_500; i++) {
      assertThat(series.steps()[i]).isEqualTo(i);
    }
    assertThat(store.series(runId).get(0).count()).isEqualTo(2_500);
  }

  @Test
  void markEndedFlushesTheRunsOpenChunks() {
    store.writeScalars(points(runId, "loss", 0, 10));
    store.markEnded(runId, RunStatus.FINISHED, null);

    assertThat(store.readSeries(runId, "loss", 0).orElseThrow().size()).isEqualTo(10);

    store.writeScalars(points(runId, "loss", 5, 10)); // after end: 10..14 are new
    store.flush();
    assertThat(store.readSeries(runId, "loss", 0).orElseThrow().size()).isEqualTo(15);
  }

  @Test
  void pointsOfAnUnknownRunOrWithoutTagAreRejectedWhole() {
    List<ScalarPoint> batch = new ArrayList<>(points(runId, "loss", 0, 5));
    batch.add(new ScalarPoint("missing", "loss", 1, 1, 1));
    assertThatThrownBy(() -> store.writeScalars(batch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Run 'missing' not found");
    assertThatThrownBy(() -> store.writeScalars(List.of(new ScalarPoint(runId, " ", 1, 1, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a tag is 1 to 255 characters");
    store.flush();
    assertThat(store.readSeries(runId, "loss", 0)).isEmpty();
  }

  @Test
  void readsRunWhileTheWriterWrites() throws Exception {
    List<Throwable> failures = new ArrayList<>();
    long[] lastSeen = {0};
    Thread reader =
        new Thread(
            () -> {
              try {
                long previous = 0;
                while (previous < 50_000) {
                  long count =
                      store.readSeries(runId, "loss", 200).map(Series::totalPoints).orElse(0L);
                  assertThat(count).isGreaterThanOrEqualTo(previous);
                  previous = count;
                }
                lastSeen[0] = previous;
              } catch (Throwable t) {
                synchronized (failures) {
                  failures.add(t);
                }
              }
            });
    reader.start();
    for (int from = 0; from < 50_000; from += 1_000) {
      store.writeScalars(points(runId, "loss", from, 1_000));
      store.flush();
    }
    reader.join(60_000);

    assertThat(failures).isEmpty();
    assertThat(lastSeen[0]).isEqualTo(50_000);
  }
}
