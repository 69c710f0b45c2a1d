package dev.cairn.core.tracking;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link H2TrackingStoreCrashTest}, which kills it with SIGKILL.
 *
 * <p>{@code steady DIR}: creates a run, writes and flushes 3 batches of 1000 points, prints {@code
 * FLUSHED 2999}, then writes on without flushing until killed. {@code flushing DIR}: writes and
 * flushes batches of 100 points forever, printing {@code FLUSHED <last step>} after each flush.
 */
public final class CrashingWriterMain {
  private CrashingWriterMain() {}

  public static void main(String[] args) throws Exception {
    boolean keepFlushing = args[0].equals("flushing");
    H2TrackingStore store = H2TrackingStore.openInDirectory(Path.of(args[1]));
    String runId = store.createRun(TestRuns.newRun("crash", args[0])).id();
    store.markRunning(runId, "cpu");
    System.out.println("RUN " + runId);
    long step = 0;
    for (int batch = 0; batch < 3; batch++, step += 1000) {
      store.writeScalars(TestRuns.points(runId, "loss", step, 1000));
      store.flush();
    }
    System.out.println("FLUSHED " + (step - 1));
    System.out.flush();
    while (true) {
      store.writeScalars(TestRuns.points(runId, "loss", step, 100));
      step += 100;
      if (keepFlushing) {
        store.flush();
        System.out.println("FLUSHED " + (step - 1));
      } else {
        Thread.sleep(1);
      }
    }
  }
}
