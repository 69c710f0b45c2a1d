package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn export --format tensorboard} and {@code cairn import-tb} (once and --follow) on the
 * distribution.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TensorBoardCliTest {
  @TempDir static Path data;
  @TempDir static Path work;
  private String runId;

  @BeforeAll
  void trainXor() throws Exception {
    CairnProcess.Result r = CairnProcess.run(data, 5, "run", "experiments/xor-mlp.yaml", "--json");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    runId = new JsonObject(r.stdout()).getString("id");
  }

  @Test
  void aRunGoesOutAsEventFilesAndComesBackTheSame() throws Exception {
    Path out = work.resolve("tb-out");
    CairnProcess.Result exported =
        CairnProcess.run(
            data, 5, "export", runId, "--format", "tensorboard", "--out", out.toString(), "--json");
    assertThat(exported.exitCode()).as(exported.stderr()).isZero();
    JsonObject e = new JsonObject(exported.stdout());
    assertThat(e.getLong("scalars")).isPositive();
    assertThat(e.getInteger("hparams")).isPositive();

    CairnProcess.Result imported =
        CairnProcess.run(data, 5, "import-tb", out.toString(), "--experiment", "back", "--json");
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    JsonObject i = new JsonObject(imported.stdout());
    assertThat(i.getLong("scalars")).isEqualTo(e.getLong("scalars"));
    assertThat(i.getLong("images")).isEqualTo(e.getLong("images"));
    assertThat(i.getLong("histograms")).isEqualTo(e.getLong("histograms"));
    assertThat(i.getLong("texts")).isEqualTo(e.getLong("texts"));
    assertThat(i.getLong("params")).isEqualTo(e.getLong("hparams"));
    assertThat(i.getLong("corruptRecords")).isZero();

    CairnProcess.Result again =
        CairnProcess.run(data, 5, "import-tb", out.toString(), "--experiment", "back");
    assertThat(again.exitCode()).as(again.stderr()).isZero();
    assertThat(again.stdout()).startsWith("imported 0 events from 1 files into 1 runs (0 new)");
  }

  @Test
  void badInputGetsOneLine() throws Exception {
    CairnProcess.Result format =
        CairnProcess.run(
            data, 5, "export", runId, "--format", "tfevents", "--out", work.toString());
    assertThat(format.exitCode()).isEqualTo(2);
    assertThat(format.stderr().strip())
        .isEqualTo("error: unknown --format 'tfevents'; allowed: onnx, tensorboard");
    CairnProcess.Result missing =
        CairnProcess.run(data, 5, "import-tb", work.resolve("nope").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stderr())
        .contains("error: log directory")
        .contains("does not exist")
        .doesNotContain("Exception");
  }

  @Test
  void followPicksUpWhatALiveWriterAppendsAndStopsCleanly() throws Exception {
    Path logdir = Files.createDirectories(work.resolve("live/run1"));
    Path file = logdir.resolve("events.out.tfevents.1700000000.live");
    Files.write(file, new byte[0]);
    Process p =
        CairnProcess.builder(
                data,
                "import-tb",
                work.resolve("live").toString(),
                "--follow",
                "--interval",
                "0.2",
                "--json",
                "--experiment",
                "live")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BlockingQueue<JsonObject> passes = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  passes.add(new JsonObject(line));
                }
              } catch (Exception ignored) {
                // the process ended
              }
            });
    reader.start();
    try {
      assertThat(passes.poll(2, TimeUnit.MINUTES)).as("a first pass").isNotNull();
      // a writer appends 5 steps (framed by the test's own little writer below), one record
      // half-written
      byte[] records = EventRecords.scalars("loss", 5);
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
        out.write(records, 0, records.length - 7);
      }
      long seen = 0;
      while (seen < 4) {
        JsonObject pass = passes.poll(2, TimeUnit.MINUTES);
        assertThat(pass).as("passes keep coming").isNotNull();
        seen += pass.getLong("events");
      }
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
        out.write(records, records.length - 7, 7);
      }
      while (seen < 5) {
        JsonObject pass = passes.poll(2, TimeUnit.MINUTES);
        assertThat(pass).as("passes keep coming").isNotNull();
        seen += pass.getLong("events");
      }
      assertThat(seen).isEqualTo(5);
    } finally {
      p.destroy(); // SIGTERM, as Ctrl-C: the pass in progress ends and the store closes
      assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
    }
    // the database was closed cleanly: another process opens it and sees the 5 points
    CairnProcess.Result runs =
        CairnProcess.run(
            data,
            5,
            "import-tb",
            work.resolve("live").toString(),
            "--experiment",
            "live",
            "--json");
    assertThat(runs.exitCode()).as(runs.stderr()).isZero();
    assertThat(new JsonObject(runs.stdout()).getLong("events")).isZero();
    try (Stream<Path> files = Files.list(logdir)) {
      assertThat(files.count()).isEqualTo(1);
    }
  }
}
