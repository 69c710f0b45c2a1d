package dev.cairn.server.cli;

import dev.cairn.core.training.EpochSummary;
import dev.cairn.core.training.ProgressObserver;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A live progress bar on a terminal (redrawn in place at most 10 times a second) and one line per
 * epoch with loss, accuracy, throughput and time. Without a terminal only the epoch lines print.
 */
final class ConsoleProgress implements ProgressObserver {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintStream out;
  private final boolean live;
  private long lastDraw;
  private long epochStart = System.nanoTime();
  private long batchesDone;

  ConsoleProgress(PrintStream out, boolean live) {
    this.out = out;
    this.live = live;
  }

  @Override
  public void onStart(
      String runId, String device, int epochs, int batchesPerEpoch, long parameterCount) {
    out.printf(
        Locale.ROOT,
        "run %s on %s: %d epochs x %d batches, %,d parameters%n",
        runId,
        device,
        epochs,
        batchesPerEpoch,
        parameterCount);
    epochStart = System.nanoTime();
  }

  @Override
  public void onBatch(int epoch, int batch, int batchesPerEpoch, double lastLoss) {
    batchesDone = batch;
    if (!live) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastDraw < REDRAW_NANOS && batch != batchesPerEpoch) {
      return;
    }
    lastDraw = now;
    int filled = (int) ((long) WIDTH * batch / batchesPerEpoch);
    double seconds = (now - epochStart) / 1e9;
    double rate = seconds > 0 ? batch / seconds : 0;
    out.printf(
        Locale.ROOT,
        "\repoch %d [%s%s] %d/%d loss %s %.0f batch/s ",
        epoch,
        "=".repeat(filled),
        " ".repeat(WIDTH - filled),
        batch,
        batchesPerEpoch,
        fmt(lastLoss),
        rate);
    out.flush();
  }

  @Override
  public void onEpoch(EpochSummary s) {
    StringBuilder line = new StringBuilder();
    line.append(
        String.format(
            Locale.ROOT, "epoch %d/%d  train loss %s", s.epoch(), s.epochs(), fmt(s.trainLoss())));
    if (!Double.isNaN(s.trainAccuracy())) {
      line.append(" acc ").append(fmt(s.trainAccuracy()));
    }
    if (s.evalSplit() != null) {
      line.append(" | ").append(s.evalSplit()).append(" loss ").append(fmt(s.evalLoss()));
      if (!Double.isNaN(s.evalAccuracy())) {
        line.append(" acc ").append(fmt(s.evalAccuracy()));
      }
    }
    line.append(
        String.format(
            Locale.ROOT, " | %,.0f samples/s | %.1f s", s.samplesPerSecond(), s.seconds()));
    out.print(live ? "\r\033[K" : "");
    out.println(line);
    out.flush();
    epochStart = System.nanoTime();
    batchesDone = 0;
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    double a = Math.abs(v);
    return a != 0 && (a < 1e-3 || a >= 1e5)
        ? String.format(Locale.ROOT, "%.3e", v)
        : String.format(Locale.ROOT, "%.4f", v);
  }
}
