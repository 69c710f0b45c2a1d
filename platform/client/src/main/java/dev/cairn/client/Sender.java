package dev.cairn.client;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The background thread of a {@link CairnClient}: takes what the runs queued, in order, packs
 * consecutive points into scalar batches (one series per tag) and posts them, retrying with backoff
 * while the server is away. Several batches are in flight at once, one per lane; the batches of one
 * series always take the same lane and go one after another there, so a retried batch never
 * overtakes a later one of its series and the server's per-series step check drops what it already
 * stored.
 */
final class Sender implements Runnable {
  private static final System.Logger LOG = System.getLogger(CairnClient.class.getName());

  /** What a run put in the queue. */
  sealed interface Item permits Point, Block, Task {}

  record Point(Run run, String tag, long step, double value, long wallTime) implements Item {}

  /**
   * Many points of one series in one queue item (steps strictly increasing, checked by the run).
   */
  record Block(Run run, String tag, long[] steps, double[] values, long[] wallTimes)
      implements Item {}

  /**
   * A request after the points queued before it; {@code path == null} is a flush marker. {@code
   * done} completes when it was sent (or given up on).
   */
  record Task(Run run, String path, String contentType, byte[] body, CompletableFuture<Void> done)
      implements Item {
    static Task marker() {
      return new Task(null, null, null, null, new CompletableFuture<>());
    }
  }

  private final Http http;
  private final BlockingQueue<Item> queue;
  private final int batchPoints;
  private final AtomicLong dropped;
  private final AtomicLong droppedRecords;
  private final Map<Run, Map<String, Series>> pending = new LinkedHashMap<>();
  private int pendingPoints;
  private volatile long deadline = Long.MAX_VALUE;
  private volatile boolean stopping;

  /**
   * Posting lanes, each one thread with one request on the wire and at most one more waiting: a
   * series always goes through the same lane, so its batches reach the server in order (a retried
   * batch never overtakes a later one), while different series are in flight at once.
   */
  private final Lane[] lanes;

  private final Object idle = new Object();

  Sender(
      Http http,
      BlockingQueue<Item> queue,
      int batchPoints,
      int inFlight,
      AtomicLong dropped,
      AtomicLong droppedRecords) {
    this.http = http;
    this.queue = queue;
    this.batchPoints = batchPoints;
    this.dropped = dropped;
    this.droppedRecords = droppedRecords;
    this.lanes = new Lane[inFlight];
    for (int i = 0; i < inFlight; i++) {
      lanes[i] = new Lane("cairn-client-poster-" + i);
    }
  }

  /** One posting thread: sends what the packing thread handed over, one request at a time. */
  private final class Lane implements Runnable {
    final BlockingQueue<Runnable> wire = new ArrayBlockingQueue<>(1);
    final AtomicInteger outstanding = new AtomicInteger();
    final Thread thread;

    Lane(String name) {
      thread = new Thread(this, name);
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void run() {
      while (true) {
        try {
          Runnable next = wire.poll(100, TimeUnit.MILLISECONDS);
          if (next != null) {
            try {
              next.run();
            } finally {
              outstanding.decrementAndGet();
              synchronized (idle) {
                idle.notifyAll();
              }
            }
          } else if (stopping && done) {
            return;
          }
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException | Error e) {
          LOG.log(Level.ERROR, "Cairn client poster failed; continuing", e);
        }
      }
    }

    /** Hands a request over; waits while one is already waiting here. */
    void handOver(Runnable request) throws InterruptedException {
      outstanding.incrementAndGet();
      try {
        wire.put(request);
      } catch (InterruptedException e) {
        outstanding.decrementAndGet();
        throw e;
      }
    }
  }

  private volatile boolean done;

  /** Waits until every lane has sent what it was handed. */
  private void awaitLanesIdle() throws InterruptedException {
    synchronized (idle) {
      while (Arrays.stream(lanes).anyMatch(l -> l.outstanding.get() > 0)) {
        idle.wait(50);
      }
    }
  }

  /** The lane of a run's series: always the same one, so that its batches stay in order. */
  private int laneOf(Run run, String tag) {
    return Math.floorMod(run.id().hashCode() * 31 + tag.hashCode(), lanes.length);
  }

  /** From now on, requests are retried only until {@code deadline} (System.nanoTime). */
  void giveUpAt(long deadline) {
    this.deadline = deadline;
  }

  void stop() {
    stopping = true;
  }

  /** Waits for the poster threads to finish what they hold (after {@link #stop}). */
  void joinPoster(long millis) throws InterruptedException {
    long until = System.currentTimeMillis() + millis;
    for (Lane lane : lanes) {
      lane.thread.join(Math.max(1, until - System.currentTimeMillis()));
    }
  }

  @Override
  public void run() {
    List<Item> items = new ArrayList<>();
    while (true) {
      try {
        Item first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (stopping) {
            done = true;
            return;
          }
          continue;
        }
        items.add(first);
        queue.drainTo(items, batchPoints);
        for (Item item : items) {
          if (item instanceof Point p) {
            add(p);
          } else if (item instanceof Block b) {
            add(b);
          } else if (item instanceof Task t) {
            sendPoints();
            send(t);
          }
        }
        items.clear();
        sendPoints();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        done = true;
        return;
      } catch (RuntimeException | Error e) {
        LOG.log(Level.ERROR, "Cairn client sender failed; continuing", e);
        items.clear();
      }
    }
  }

  private void add(Point p) throws InterruptedException {
    Series s =
        pending
            .computeIfAbsent(p.run(), r -> new LinkedHashMap<>())
            .computeIfAbsent(p.tag(), t -> new Series());
    if (s.size > 0 && p.step() <= s.steps[s.size - 1]) {
      // the server keeps one point per step, the first; a later one for a step already sent is
      // dropped
      p.run().dropped.incrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    s.add(p.step(), p.value(), p.wallTime());
    if (++pendingPoints >= batchPoints) {
      sendPoints();
    }
  }

  private void add(Block b) throws InterruptedException {
    int from = 0;
    int n = b.steps().length;
    while (from < n) {
      Series s =
          pending
              .computeIfAbsent(b.run(), r -> new LinkedHashMap<>())
              .computeIfAbsent(b.tag(), t -> new Series());
      if (s.size > 0) {
        // what a retry or an overlapping block repeats: the server keeps the first point of a step
        long last = s.steps[s.size - 1];
        int skip = from;
        while (skip < n && b.steps()[skip] <= last) {
          skip++;
        }
        if (skip > from) {
          b.run().dropped.addAndGet(skip - from);
          dropped.addAndGet(skip - from);
          from = skip;
          continue;
        }
      }
      int take = Math.min(n - from, batchPoints - pendingPoints);
      s.addAll(b.steps(), b.values(), b.wallTimes(), from, take);
      from += take;
      pendingPoints += take;
      if (pendingPoints >= batchPoints) {
        sendPoints();
      }
    }
  }

  private void sendPoints() throws InterruptedException {
    if (pendingPoints == 0) {
      return;
    }
    for (var e : pending.entrySet()) {
      Run run = e.getKey();
      List<Map<String, Series>> byLane = new ArrayList<>(lanes.length);
      for (int i = 0; i < lanes.length; i++) {
        byLane.add(new LinkedHashMap<>());
      }
      e.getValue().forEach((tag, series) -> byLane.get(laneOf(run, tag)).put(tag, series));
      for (int lane = 0; lane < lanes.length; lane++) {
        Map<String, Series> series = byLane.get(lane);
        if (!series.isEmpty()) {
          postBatch(lane, run, series);
        }
      }
    }
    pending.clear();
    pendingPoints = 0;
  }

  private void postBatch(int lane, Run run, Map<String, Series> series)
      throws InterruptedException {
    int n = series.values().stream().mapToInt(s -> s.size).sum();
    String batchId = run.id() + "-" + run.nextBatch();
    byte[] body = encode(batchId, series);
    lanes[lane].handOver(
        () -> {
          try {
            http.postWithRetries(
                "api/tracking/runs/" + run.id() + "/scalars", BINARY_TYPE, body, () -> deadline);
            run.sent.addAndGet(n);
          } catch (CairnClientException ex) {
            run.dropped.addAndGet(n);
            dropped.addAndGet(n);
            LOG.log(
                Level.WARNING,
                "Cairn: dropped batch " + batchId + " of " + n + " points: " + ex.getMessage());
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            run.dropped.addAndGet(n);
            dropped.addAndGet(n);
          }
        });
  }

  /** A request goes after every batch handed over before it, whatever lane those took. */
  private void send(Task t) throws InterruptedException {
    awaitLanesIdle();
    lanes[0].handOver(
        () -> {
          try {
            if (t.path() != null) {
              http.postWithRetries(t.path(), t.contentType(), t.body(), () -> deadline);
            }
            t.done().complete(null);
          } catch (CairnClientException ex) {
            droppedRecords.incrementAndGet();
            LOG.log(Level.WARNING, "Cairn: " + ex.getMessage());
            t.done().completeExceptionally(ex);
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            t.done().completeExceptionally(ex);
          }
        });
  }

  /** The server's binary scalar batch (docs/tracking.md): no number formatting on either side. */
  static final String BINARY_TYPE = "application/x-cairn-scalars";

  private static byte[] encode(String batchId, Map<String, Series> series) {
    byte[] id = batchId.getBytes(StandardCharsets.UTF_8);
    List<byte[]> tags = new ArrayList<>(series.size());
    int size = 4 + 2 + id.length + 4;
    for (var e : series.entrySet()) {
      byte[] tag = e.getKey().getBytes(StandardCharsets.UTF_8);
      tags.add(tag);
      size += 2 + tag.length + 4 + e.getValue().size * 24;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(new byte[] {'C', 'S', 'B', '1'});
    out.putShort((short) id.length).put(id);
    out.putInt(series.size());
    int k = 0;
    for (Series s : series.values()) {
      byte[] tag = tags.get(k++);
      out.putShort((short) tag.length).put(tag);
      out.putInt(s.size);
      out.asLongBuffer().put(s.steps, 0, s.size);
      out.position(out.position() + s.size * 8);
      out.asLongBuffer().put(s.wallTimes, 0, s.size);
      out.position(out.position() + s.size * 8);
      out.asDoubleBuffer().put(s.values, 0, s.size);
      out.position(out.position() + s.size * 8);
    }
    return out.array();
  }

  private static final class Series {
    long[] steps = new long[256];
    long[] wallTimes = new long[256];
    double[] values = new double[256];
    int size;

    void addAll(long[] st, double[] va, long[] wa, int from, int n) {
      if (size + n > steps.length) {
        int capacity = Math.max(size + n, size * 2);
        steps = Arrays.copyOf(steps, capacity);
        wallTimes = Arrays.copyOf(wallTimes, capacity);
        values = Arrays.copyOf(values, capacity);
      }
      System.arraycopy(st, from, steps, size, n);
      System.arraycopy(wa, from, wallTimes, size, n);
      System.arraycopy(va, from, values, size, n);
      size += n;
    }

    void add(long step, double value, long wallTime) {
      if (size == steps.length) {
        steps = Arrays.copyOf(steps, size * 2);
        wallTimes = Arrays.copyOf(wallTimes, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      steps[size] = step;
      wallTimes[size] = wallTime;
      values[size] = value;
      size++;
    }
  }
}
