package dev.cairn.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs runs of any JVM program to a Cairn server (docs/tracking.md).
 *
 * <pre>{@code
 * try (CairnClient cairn = CairnClient.create(URI.create("http://127.0.0.1:8080"));
 *      Run run = cairn.startRun("mnist", "baseline", Map.of("lr", 0.1), Map.of())) {
 *   for (int step = 0; step < 1000; step++) {
 *     run.log("train/loss", step, loss(step));
 *   }
 * }
 * }</pre>
 *
 * <p>One background thread sends what the runs queue, in batches, retrying with exponential backoff
 * (100 ms doubling up to {@code maxBackoff}) while the server is away; a batch is sent again only
 * when no answer came, and the server keeps the first point of each step, so nothing is stored
 * twice. The queue is bounded ({@code queueCapacity} items): when it is full, {@code log} drops the
 * point and counts it in {@link #droppedPoints()} instead of waiting. Another thread sends a
 * heartbeat per open run. {@link #close()}, also called by a JVM shutdown hook, sends what is
 * queued (waiting at most {@code closeTimeout}) and ends runs still open FAILED.
 */
public final class CairnClient implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(CairnClient.class.getName());

  private final Http http;
  private final BlockingQueue<Sender.Item> queue;
  private final Sender sender;
  private final Thread senderThread;
  private final ScheduledExecutorService heartbeats;
  private final Thread shutdownHook;
  private final Duration closeTimeout;
  private final Set<Run> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong droppedRecords = new AtomicLong();
  private volatile boolean closed;
  private final Duration systemEvery;
  private final SystemSampler system;
  private final ScheduledExecutorService sampling;
  private final Object sampleLock = new Object();

  private CairnClient(Builder b) {
    this.http = new Http(b.server, b.token, b.requestTimeout, b.maxBackoff);
    // two locks: a training thread's offer never waits while the packer drains a batch
    this.queue = new LinkedBlockingQueue<>(b.queueCapacity);
    this.closeTimeout = b.closeTimeout;
    this.sender =
        new Sender(http, queue, b.batchPoints, b.requestsInFlight, dropped, droppedRecords);
    this.senderThread = new Thread(sender, "cairn-client-sender");
    senderThread.setDaemon(true);
    senderThread.start();
    this.heartbeats =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cairn-client-heartbeat");
              t.setDaemon(true);
              return t;
            });
    long every = b.heartbeatInterval.toMillis();
    heartbeats.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
    if (b.systemEvery != null) {
      this.systemEvery = b.systemEvery;
      this.system = SystemSampler.create();
      this.sampling =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "cairn-client-system-metrics");
                t.setDaemon(true);
                return t;
              });
      system.sample(); // the first CPU reading
      long ms = b.systemEvery.toMillis();
      sampling.scheduleAtFixedRate(this::sampleSystem, ms, ms, TimeUnit.MILLISECONDS);
    } else {
      this.systemEvery = null;
      this.system = null;
      this.sampling = null;
    }
    this.shutdownHook = new Thread(this::close, "cairn-client-shutdown");
    if (b.closeAtShutdown) {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
  }

  /** A client for the server at {@code server}, with the token in {@code CAIRN_TOKEN} if set. */
  public static CairnClient create(URI server) {
    return builder().setServer(server).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts a run (source {@code java-client}) with a fresh idempotency key. */
  public Run startRun(
      String experiment, String name, Map<String, ?> params, Map<String, String> tags) {
    return startRun(experiment, name, params, tags, UUID.randomUUID().toString());
  }

  /**
   * Starts a run; retried with backoff until the server answers (at most the close timeout). The
   * same {@code idempotencyKey} always returns the same run, so a retry never makes two.
   */
  public Run startRun(
      String experiment,
      String name,
      Map<String, ?> params,
      Map<String, String> tags,
      String idempotencyKey) {
    return startRun(experiment, name, params, tags, idempotencyKey, "java-client", Map.of());
  }

  /**
   * Starts a run with a declared {@code source} ({@code java-client}, {@code rest} or {@code
   * cairn-cli}) and further fields of the create request (docs/tracking.md): {@code spec} (text),
   * {@code seed}, {@code device} and {@code provenance} (a map), as {@code cairn run} sends them
   * for the runs it trains through a server.
   */
  public Run startRun(
      String experiment,
      String name,
      Map<String, ?> params,
      Map<String, String> tags,
      String idempotencyKey,
      String source,
      Map<String, ?> fields) {
    Objects.requireNonNull(experiment, "experiment");
    ensureOpen();
    ObjectNode body =
        Http.JSON
            .createObjectNode()
            .put("experiment", experiment)
            .put("source", source)
            .put("idempotencyKey", idempotencyKey);
    fields.forEach((k, v) -> body.set(k, Http.JSON.valueToTree(v)));
    if (name != null) {
      body.put("name", name);
    }
    ObjectNode p = body.putObject("params");
    Run.strings(params).forEach(p::put);
    ObjectNode t = body.putObject("tags");
    Run.strings(tags).forEach(t::put);
    try {
      JsonNode reply =
          http.postWithRetries(
              "api/tracking/runs",
              "application/json",
              Http.JSON.writeValueAsBytes(body),
              System.nanoTime() + closeTimeout.toNanos());
      Run run = new Run(this, reply.path("id").asText());
      open.add(run);
      return run;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnClientException("interrupted while starting a run", e);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Items waiting in the queue now (points, blocks, requests), for monitoring how far the sender is
   * behind; {@code log} drops once this reaches the queue capacity.
   */
  public int queuedItems() {
    return queue.size();
  }

  /** Scalar points lost over all runs: queue full, refused by the server, or unsent at close. */
  public long droppedPoints() {
    return dropped.get();
  }

  /** Images, histograms, texts, params, tags and ends that could not be queued or sent. */
  public long droppedRecords() {
    return droppedRecords.get();
  }

  /** Waits until everything queued so far was sent (or given up on), at most {@code timeout}. */
  public void flush(Duration timeout) throws TimeoutException, InterruptedException {
    Sender.Task marker = Sender.Task.marker();
    if (!queue.offer(marker, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new TimeoutException("queue still full after " + timeout);
    }
    try {
      marker.done().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Sends what is queued (retrying at most {@code closeTimeout}), ends runs still open FAILED ("the
   * client closed before the run ended"), and stops the threads. Points still unsent then count as
   * dropped.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    sender.giveUpAt(deadline);
    for (Run run : List.copyOf(open)) {
      run.end(EndStatus.FAILED, "the client closed (or its JVM exited) before the run ended");
    }
    try {
      Sender.Task marker = Sender.Task.marker();
      if (queue.offer(marker, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        marker.done().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "Cairn: not everything was sent before the close timeout: " + e);
    }
    closed = true;
    sender.giveUpAt(System.nanoTime());
    sender.stop();
    heartbeats.shutdownNow();
    if (sampling != null) {
      sampling.shutdownNow();
    }
    try {
      senderThread.join(5_000);
      sender.joinPoster(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Sender.Item left; (left = queue.poll()) != null; ) {
      if (left instanceof Sender.Point p) {
        p.run().dropped.incrementAndGet();
        dropped.incrementAndGet();
      } else if (left instanceof Sender.Block b) {
        b.run().dropped.addAndGet(b.steps().length);
        dropped.addAndGet(b.steps().length);
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: this is the hook
    }
  }

  Http http() {
    return http;
  }

  Duration closeTimeout() {
    return closeTimeout;
  }

  boolean offer(Sender.Point p) {
    if (closed || !queue.offer(p)) {
      dropped.incrementAndGet();
      return false;
    }
    return true;
  }

  boolean offer(Sender.Block b) {
    if (closed || !queue.offer(b)) {
      dropped.addAndGet(b.steps().length);
      return false;
    }
    return true;
  }

  void offerRecord(Sender.Task t) {
    if (closed || !queue.offer(t)) {
      droppedRecords.incrementAndGet();
    }
  }

  void put(Sender.Task t) {
    ensureOpen();
    try {
      queue.put(t);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      droppedRecords.incrementAndGet();
      t.done().completeExceptionally(e);
    }
  }

  void ended(Run run) {
    open.remove(run);
  }

  /**
   * One {@code system/*} sample, logged to every open run at its step (seconds since the run
   * started).
   */
  private void sampleSystem() {
    synchronized (sampleLock) {
      sampleOpenRuns();
    }
  }

  private void sampleOpenRuns() {
    if (closed || open.isEmpty()) {
      system.sample(); // keeps the CPU figure's interval short
      return;
    }
    try {
      var values = system.sample();
      long wall = System.currentTimeMillis();
      for (Run run : open) {
        if (run.ended()) {
          // its end is queued (or on its way): a sample now would reach the server after the end
          // and be refused, counted as dropped; finalSample took the run's last one under this lock
          continue;
        }
        long step = run.systemStep(systemEvery);
        values.forEach((tag, v) -> run.log(tag, step, v, wall));
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Cairn: system metrics sample dropped: " + e);
    }
  }

  /** The last {@code system/*} sample of a run that ends (so its series reach its end). */
  void finalSample(Run run) {
    if (system == null) {
      return;
    }
    synchronized (sampleLock) {
      try {
        var values = system.sample();
        long wall = System.currentTimeMillis();
        long step = run.systemStep(systemEvery);
        values.forEach((tag, v) -> run.log(tag, step, v, wall));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Cairn: last system metrics sample dropped: " + e);
      }
    }
  }

  private void beat() {
    for (Run run : open) {
      try {
        http.post(
            "api/tracking/runs/" + run.id() + "/heartbeat",
            "application/json",
            new byte[] {'{', '}'});
      } catch (Exception e) {
        // the sender's retries report an absent server; a missed heartbeat only matters after the
        // timeout
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("this CairnClient is closed");
    }
  }

  /** Options of a client; {@code setServer} is required, the rest have defaults. */
  public static final class Builder {
    private URI server;
    private String token = System.getenv("CAIRN_TOKEN");
    private int queueCapacity = 1_000_000;
    private int batchPoints = 50_000;
    private int requestsInFlight = 4;
    private Duration heartbeatInterval = Duration.ofSeconds(10);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration closeTimeout = Duration.ofSeconds(60);
    private Duration systemEvery;
    private boolean closeAtShutdown = true;

    private Builder() {}

    /**
     * Whether a JVM shutdown hook closes the client (default true). A program with its own hook
     * that ends its runs first (as {@code cairn run} ends a stopped run KILLED) turns it off and
     * closes the client itself.
     */
    public Builder optCloseAtShutdown(boolean close) {
      this.closeAtShutdown = close;
      return this;
    }

    /**
     * Logs the {@code system/*} series Cairn's trainer logs (process CPU %, resident memory, JVM
     * heap and direct memory, and with {@code nvidia-smi} on the PATH each GPU's utilisation and
     * memory) to every open run, every {@code every} (at least 1 s; off by default). The step is
     * seconds since the run started; a last sample is taken when a run ends.
     */
    public Builder optSystemMetrics(Duration every) {
      if (every == null || every.toMillis() < 1000) {
        throw new IllegalArgumentException(
            "system metrics need an interval of at least 1 s, got " + every);
      }
      this.systemEvery = every;
      return this;
    }

    /** The server's base URL, e.g. {@code http://127.0.0.1:8080}. */
    public Builder setServer(URI server) {
      this.server = Objects.requireNonNull(server, "server");
      return this;
    }

    /** A bearer token (default: the {@code CAIRN_TOKEN} environment variable; none when unset). */
    public Builder optToken(String token) {
      this.token = token;
      return this;
    }

    /** Items the queue holds before {@code log} drops points (default 1,000,000). */
    public Builder optQueueCapacity(int items) {
      if (items < 1) {
        throw new IllegalArgumentException("queue capacity must be >= 1, got " + items);
      }
      this.queueCapacity = items;
      return this;
    }

    /** Points per request, 1..100,000 (the server's limit; default 50,000). */
    public Builder optBatchPoints(int points) {
      if (points < 1 || points > 100_000) {
        throw new IllegalArgumentException("batch points must be in 1..100000, got " + points);
      }
      this.batchPoints = points;
      return this;
    }

    /**
     * Scalar requests in flight at once, 1..16 (default 4): the series of the runs are spread over
     * this many posting threads, each series always on the same one, so that its batches arrive in
     * order.
     */
    public Builder optRequestsInFlight(int requests) {
      if (requests < 1 || requests > 16) {
        throw new IllegalArgumentException("requests in flight must be in 1..16, got " + requests);
      }
      this.requestsInFlight = requests;
      return this;
    }

    /** How often each open run sends a heartbeat (default 10 s). */
    public Builder optHeartbeatInterval(Duration every) {
      this.heartbeatInterval = positive(every, "heartbeat interval");
      return this;
    }

    /** Longest wait between retries (default 5 s). */
    public Builder optMaxBackoff(Duration max) {
      this.maxBackoff = positive(max, "max backoff");
      return this;
    }

    /** Longest wait for one answer (default 30 s). */
    public Builder optRequestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "request timeout");
      return this;
    }

    /** How long {@code startRun}, {@code end} and {@code close} keep retrying (default 60 s). */
    public Builder optCloseTimeout(Duration timeout) {
      this.closeTimeout = positive(timeout, "close timeout");
      return this;
    }

    public CairnClient build() {
      if (server == null) {
        throw new IllegalStateException("setServer(URI) is required, e.g. http://127.0.0.1:8080");
      }
      return new CairnClient(this);
    }

    private static Duration positive(Duration d, String what) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }
  }
}
