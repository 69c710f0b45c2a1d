package dev.cairn.core.system;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples {@link SystemSampler} every N seconds on a daemon thread and hands each sample, with its
 * step (seconds since start: 0, N, 2N, ...) and wall time, to a consumer. {@link #close} stops it,
 * waits for a sample in progress and takes a last one, so a run's series end with the run.
 */
public final class SystemMetrics implements AutoCloseable {
  /**
   * Receives one sample; called on the sampling thread (or the closing one for the last sample).
   */
  @FunctionalInterface
  public interface SampleConsumer {
    void accept(long step, long wallTimeMillis, Map<String, Double> values);
  }

  private final SystemSampler sampler;
  private final SampleConsumer consumer;
  private final int everySeconds;
  private final ScheduledExecutorService executor;
  private final long startNanos = System.nanoTime();
  private long lastStep = -1;

  private SystemMetrics(SystemSampler sampler, int everySeconds, SampleConsumer consumer) {
    this.sampler = sampler;
    this.consumer = consumer;
    this.everySeconds = everySeconds;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cairn-system-metrics");
              t.setDaemon(true);
              return t;
            });
    sampler.sample(); // the first CPU reading
    executor.scheduleAtFixedRate(this::tick, everySeconds, everySeconds, TimeUnit.SECONDS);
  }

  /** Starts sampling every {@code everySeconds} (>= 1). */
  public static SystemMetrics start(int everySeconds, SampleConsumer consumer) {
    return start(new SystemSampler(), everySeconds, consumer);
  }

  public static SystemMetrics start(
      SystemSampler sampler, int everySeconds, SampleConsumer consumer) {
    if (everySeconds < 1) {
      throw new IllegalArgumentException(
          "system metrics every N seconds needs N >= 1, got " + everySeconds);
    }
    return new SystemMetrics(sampler, everySeconds, consumer);
  }

  private synchronized void tick() {
    long elapsed = (System.nanoTime() - startNanos) / 1_000_000_000L;
    long step = Math.max(lastStep + 1, Math.round((double) elapsed / everySeconds) * everySeconds);
    lastStep = step;
    try {
      consumer.accept(step, System.currentTimeMillis(), sampler.sample());
    } catch (RuntimeException e) {
      // a consumer that fails (run deleted, store closing) must not kill the schedule of a long run
      System.getLogger(SystemMetrics.class.getName())
          .log(System.Logger.Level.WARNING, "system metrics sample dropped: " + e.getMessage());
    }
  }

  /** Stops sampling and takes a last sample. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tick();
  }
}
