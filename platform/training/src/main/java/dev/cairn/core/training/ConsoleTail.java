package dev.cairn.core.training;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Keeps the last lines a Cairn-trained run would print (its start and epoch lines, as {@code cairn
 * run} shows them) and, when it fails, the failure with its stack trace; passes every callback on
 * to the observer it wraps. The text is kept with a run that fails or is stopped (the run's
 * artifact {@value #ARTIFACT}), so the run page can show why.
 */
public final class ConsoleTail implements ProgressObserver {
  /** The artifact path a failed or stopped run's tail is kept under. */
  public static final String ARTIFACT = "logs/console-tail.txt";

  public static final int LINES = 50;

  private final ProgressObserver delegate;
  private final Deque<String> lines = new ArrayDeque<>();

  public ConsoleTail(ProgressObserver delegate) {
    this.delegate = delegate;
  }

  @Override
  public void onStart(
      String runId, String device, int epochs, int batchesPerEpoch, long parameterCount) {
    add(
        String.format(
            Locale.ROOT,
            "run %s on %s: %d epochs x %d batches, %,d parameters",
            runId,
            device,
            epochs,
            batchesPerEpoch,
            parameterCount));
    delegate.onStart(runId, device, epochs, batchesPerEpoch, parameterCount);
  }

  @Override
  public void onBatch(int epoch, int batch, int batchesPerEpoch, double lastLoss) {
    delegate.onBatch(epoch, batch, batchesPerEpoch, lastLoss);
  }

  @Override
  public void onEpoch(EpochSummary s) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT, "epoch %d/%d  train loss %.4f", s.epoch(), s.epochs(), s.trainLoss()));
    if (!Double.isNaN(s.trainAccuracy())) {
      line.append(String.format(Locale.ROOT, " acc %.4f", s.trainAccuracy()));
    }
    if (s.evalSplit() != null) {
      line.append(String.format(Locale.ROOT, " | %s loss %.4f", s.evalSplit(), s.evalLoss()));
      if (!Double.isNaN(s.evalAccuracy())) {
        line.append(String.format(Locale.ROOT, " acc %.4f", s.evalAccuracy()));
      }
    }
    line.append(
        String.format(
            Locale.ROOT, " | %,.0f samples/s | %.1f s", s.samplesPerSecond(), s.seconds()));
    add(line.toString());
    delegate.onEpoch(s);
  }

  /** Adds the run's end: its status and message, and the stack trace of an unexpected failure. */
  public void ended(String status, String message, Throwable unexpected) {
    add(status + (message == null ? "" : ": " + message));
    if (unexpected != null) {
      StringWriter trace = new StringWriter();
      unexpected.printStackTrace(new PrintWriter(trace));
      trace.toString().lines().limit(LINES - 10).forEach(this::add);
    }
  }

  public synchronized void add(String line) {
    lines.addLast(line);
    while (lines.size() > LINES) {
      lines.removeFirst();
    }
  }

  /** The kept lines, newline-terminated. */
  public synchronized String text() {
    StringBuilder out = new StringBuilder();
    lines.forEach(l -> out.append(l).append('\n'));
    return out.toString();
  }
}
