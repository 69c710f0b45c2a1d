package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.artifacts.ArtifactStore;
import dev.cairn.core.artifacts.StoredArtifact;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.training.ConsoleTail;
import dev.cairn.core.training.EpochSummary;
import dev.cairn.core.training.ProgressObserver;
import io.vertx.core.Promise;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Cairn-trained run that does not finish keeps the last lines of its output (start, epochs, how
 * it ended) as its artifact logs/console-tail.txt, for the run page; a finished run keeps none.
 */
class RunTailTest {
  static final String XOR =
      """
      name: %s
      epochs: %d
      logging: {everySteps: 8}
      dataset: {plugin: xor, repeat: 16, batchSize: 16}
      model: {plugin: mlp, hidden: [4], activation: tanh}
      optimizer: {plugin: adam, lr: 0.01}
      loss: softmax-cross-entropy
      """;

  @TempDir Path data;

  @Test
  void aStoppedRunKeepsItsLastLinesAndAFinishedOneNone() throws Exception {
    try (Platform platform = Platform.start(new CairnOptions(data, null, null, true))) {
      ArtifactStore artifacts = platform.artifacts();

      CountDownLatch twoEpochs = new CountDownLatch(2);
      ProgressObserver counting =
          new ProgressObserver() {
            @Override
            public void onEpoch(EpochSummary summary) {
              twoEpochs.countDown();
            }
          };
      Promise<RunOutcome> stopped = Promise.promise();
      String id =
          platform
              .runs()
              .submit(
                  platform.runs().resolve(SpecParser.parse(XOR.formatted("long", 100_000), "t")),
                  null,
                  counting,
                  stopped)
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      assertThat(twoEpochs.await(120, TimeUnit.SECONDS)).isTrue();
      platform.runs().cancel(id);
      RunOutcome outcome =
          stopped.future().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      assertThat(outcome.status()).isEqualTo(RunStatus.KILLED);
      StoredArtifact tail = artifacts.find(id, ConsoleTail.ARTIFACT).orElseThrow();
      assertThat(tail.source()).isEqualTo("cairn-trainer");
      String text = Files.readString(tail.file());
      assertThat(text)
          .startsWith("run " + id + " on cpu")
          .contains("epoch 1/100000  train loss ")
          .endsWith("KILLED: stopped by the user\n");
      assertThat(text.lines().count()).isBetween(3L, (long) ConsoleTail.LINES);

      Promise<RunOutcome> finished = Promise.promise();
      String done =
          platform
              .runs()
              .submit(
                  platform.runs().resolve(SpecParser.parse(XOR.formatted("short", 1), "t")),
                  null,
                  ProgressObserver.NONE,
                  finished)
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      assertThat(
              finished
                  .future()
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(120, TimeUnit.SECONDS)
                  .status())
          .isEqualTo(RunStatus.FINISHED);
      assertThat(artifacts.list(done, "", ArtifactStore.MAX_PAGE, 0)).isEmpty();
    }
  }

  @Test
  void theTailKeepsTheLastFiftyLines() {
    ConsoleTail tail = new ConsoleTail(ProgressObserver.NONE);
    for (int i = 0; i < 80; i++) {
      tail.add("line " + i);
    }
    tail.ended("FAILED", "IllegalStateException: boom", new IllegalStateException("boom"));
    String[] lines = tail.text().split("\n");
    assertThat(lines).hasSize(ConsoleTail.LINES);
    assertThat(tail.text())
        .contains("FAILED: IllegalStateException: boom")
        .contains("java.lang.IllegalStateException: boom")
        .contains("\tat dev.cairn.server.RunTailTest");
  }
}
