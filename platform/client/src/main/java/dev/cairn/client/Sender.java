package dev.cairn.client;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The background thread of a {@link CairnClient}: takes what the runs queued, in order, packs
 * consecutive points into one scalar batch per run (one series per tag) and posts it, retrying with
 * backoff while the server is away. Batches of a run go one after another, so a retried batch never
 * overtakes a later one and the server's per-series step check drops what it already stored.
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

  /** Encoded requests for the poster thread: the next batch is packed while one is on the wire. */
  private final BlockingQueue<Runnable> wire = new java.util.concurrent.ArrayBlockingQueue<>(1);

  private final Thread poster;

  Sender(
      Http http,
      BlockingQueue<Item> queue,
      int batchPoints,
      AtomicLong dropped,
      AtomicLong droppedRecords) {
    this.http = http;
    this.queue = queue;
    this.batchPoints = batchPoints;
    this.dropped = dropped;
    this.droppedRecords = droppedRecords;
    this.poster = new Thread(this::post, "cairn-client-poster");
    poster.setDaemon(true);
    poster.start();
  }

  /** Sends what the packing thread handed over, one request at a time, in order. */
  private void post() {
    while (true) {
      try {
        Runnable next = wire.poll(100, TimeUnit.MILLISECONDS);
        if (next != null) {
          next.run();
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

  private volatile boolean done;

  /** Hands a request to the poster; waits while one is already waiting there. */
  private void handOver(Runnable request) throws InterruptedException {
    wire.put(request);
  }

  /** From now on, requests are retried only until {@code deadline} (System.nanoTime). */
  void giveUpAt(long deadline) {
    this.deadline = deadline;
  }

  void stop() {
    stopping = true;
  }

  /** Waits for the poster thread to finish what it holds (after {@link #stop}). */
  void joinPoster(long millis) throws InterruptedException {
    poster.join(millis);
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
      int n = e.getValue().values().stream().mapToInt(s -> s.size).sum();
      String batchId = run.id() + "-" + run.nextBatch();
      byte[] body = encode(batchId, e.getValue());
      handOver(
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
    pending.clear();
    pendingPoints = 0;
  }

  private void send(Task t) throws InterruptedException {
    handOver(
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
    long[] steps = new long[16];
    long[] wallTimes = new long[16];
    double[] values = new double[16];
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
