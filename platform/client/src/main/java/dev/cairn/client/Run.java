package dev.cairn.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A run on the server. {@code log}, {@code logImage}, {@code logHistogram} and {@code logText} only
 * offer to the client's bounded queue and return at once; when the queue is full the point is
 * dropped and counted ({@link #droppedPoints()}), the training loop is never held up. {@link
 * #close()} ends the run FINISHED unless {@link #end} was called.
 */
public final class Run implements AutoCloseable {
  private final CairnClient client;
  private final String id;
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong sent = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicBoolean ended = new AtomicBoolean();

  private final long startNanos = System.nanoTime();
  private long lastSystemStep = -1;

  Run(CairnClient client, String id) {
    this.client = client;
    this.id = id;
  }

  /**
   * The step of a {@code system/*} sample now: seconds since start, in multiples of the interval,
   * increasing.
   */
  synchronized long systemStep(Duration every) {
    long seconds = Math.max(1, every.toSeconds());
    long elapsed = (System.nanoTime() - startNanos) / 1_000_000_000L;
    long step = Math.max(lastSystemStep + 1, Math.round((double) elapsed / seconds) * seconds);
    lastSystemStep = step;
    return step;
  }

  /** The run id on the server (the dashboard shows it under {@code #/run/ID}). */
  public String id() {
    return id;
  }

  /** Logs a scalar with the current wall time. */
  public void log(String tag, long step, double value) {
    log(tag, step, value, System.currentTimeMillis());
  }

  /**
   * Logs a scalar. Steps of a tag should increase: the server keeps the first point of each step
   * and drops a later one for a step it already has. NaN and infinities are stored as they are.
   *
   * @param wallTime milliseconds since 1970
   */
  public void log(String tag, long step, double value, long wallTime) {
    checkTag(tag);
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
    if (!client.offer(new Sender.Point(this, tag, step, value, wallTime))) {
      dropped.incrementAndGet();
    }
  }

  /**
   * Logs many points of one series at once: one queue item instead of one per point, so a program
   * that has its values in arrays (a batch of steps, an imported log) pays almost nothing per
   * point. {@code steps} must be {@code >= 0} and strictly increasing; {@code wallTimes}
   * (milliseconds since 1970) may be null for "now". The arrays are copied. When the queue is full
   * the whole block is dropped and counted.
   */
  public void log(String tag, long[] steps, double[] values, long[] wallTimes) {
    checkTag(tag);
    int n = steps.length;
    if (values.length != n || (wallTimes != null && wallTimes.length != n)) {
      throw new IllegalArgumentException(
          "steps, values and wallTimes must have the same length; got "
              + n
              + ", "
              + values.length
              + ", "
              + (wallTimes == null ? "null" : wallTimes.length));
    }
    for (int i = 0; i < n; i++) {
      if (steps[i] < 0 || (i > 0 && steps[i] <= steps[i - 1])) {
        throw new IllegalArgumentException(
            "steps[" + i + "] is " + steps[i] + "; steps are >= 0 and strictly increasing");
      }
    }
    if (n == 0) {
      return;
    }
    long[] walls;
    if (wallTimes == null) {
      walls = new long[n];
      Arrays.fill(walls, System.currentTimeMillis());
    } else {
      walls = wallTimes.clone();
    }
    if (!client.offer(new Sender.Block(this, tag, steps.clone(), values.clone(), walls))) {
      dropped.addAndGet(n);
    }
  }

  /** Logs a PNG image (at most 4 MiB, 8192 pixels a side; the server checks it). */
  public void logImage(String tag, long step, byte[] png) {
    checkTag(tag);
    if (png == null
        || png.length < 8
        || png[0] != (byte) 0x89
        || png[1] != 'P'
        || png[2] != 'N'
        || png[3] != 'G') {
      throw new IllegalArgumentException("image '" + tag + "' is not a PNG (no PNG signature)");
    }
    String path =
        "api/tracking/runs/"
            + id
            + "/images?tag="
            + URLEncoder.encode(tag, StandardCharsets.UTF_8)
            + "&step="
            + step
            + "&wallTime="
            + System.currentTimeMillis();
    client.offerRecord(
        new Sender.Task(this, path, "image/png", png.clone(), new CompletableFuture<>()));
  }

  /** Logs a histogram of raw values; the server buckets them (30 equal-width buckets). */
  public void logHistogram(String tag, long step, double[] values) {
    checkTag(tag);
    ObjectNode body =
        Http.JSON
            .createObjectNode()
            .put("tag", tag)
            .put("step", step)
            .put("wallTime", System.currentTimeMillis());
    ArrayNode array = body.putArray("values");
    for (double v : values) {
      if (Double.isFinite(v)) {
        array.add(v);
      } else {
        array.add(Double.toString(v));
      }
    }
    client.offerRecord(task("histograms", body));
  }

  /**
   * Logs a histogram already bucketed: {@code limits} are the buckets' right edges (finite,
   * increasing, at most 1,000), {@code counts} how many values fell in each.
   */
  public void logHistogram(
      String tag,
      long step,
      long wallTime,
      double min,
      double max,
      double sum,
      double sumSquares,
      double[] limits,
      long[] counts) {
    checkTag(tag);
    if (limits.length != counts.length || limits.length == 0 || limits.length > 1000) {
      throw new IllegalArgumentException(
          "limits and counts must have the same length, 1..1000; got "
              + limits.length
              + " and "
              + counts.length);
    }
    ObjectNode body =
        Http.JSON.createObjectNode().put("tag", tag).put("step", step).put("wallTime", wallTime);
    if (Double.isFinite(min) && Double.isFinite(max)) {
      body.put("min", min).put("max", max);
    }
    if (Double.isFinite(sum) && Double.isFinite(sumSquares)) {
      body.put("sum", sum).put("sumSquares", sumSquares);
    }
    ArrayNode l = body.putArray("limits");
    for (double v : limits) {
      l.add(v);
    }
    ArrayNode c = body.putArray("counts");
    for (long v : counts) {
      c.add(v);
    }
    client.offerRecord(task("histograms", body));
  }

  /** Logs text at a step (at most 65,536 characters). */
  public void logText(String tag, long step, String text) {
    checkTag(tag);
    client.offerRecord(
        task(
            "texts",
            Http.JSON
                .createObjectNode()
                .put("tag", tag)
                .put("step", step)
                .put("wallTime", System.currentTimeMillis())
                .put("text", text)));
  }

  /**
   * The model graph as a JSON object (the form Cairn's trainer records: nodes with {@code name},
   * {@code type}, shapes, parameter counts and {@code children}); one per run, a second replaces
   * the first. Never blocks beyond a queue offer.
   *
   * @throws IllegalArgumentException when {@code json} is not a JSON object
   */
  public void logGraph(String json) {
    JsonNode graph;
    try {
      graph = Http.JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("graph is not JSON: " + e.getOriginalMessage());
    }
    if (graph == null || !graph.isObject()) {
      throw new IllegalArgumentException("graph must be a JSON object");
    }
    ObjectNode body = Http.JSON.createObjectNode();
    body.set("graph", graph);
    client.offerRecord(task("graph", body));
  }

  /** Adds or replaces a param; waits only while the queue is full. */
  public void setParam(String key, Object value) {
    ObjectNode body = Http.JSON.createObjectNode();
    body.putObject("params").put(key, String.valueOf(value));
    client.put(task("params", body));
  }

  /** Adds or replaces a key/value tag; waits only while the queue is full. */
  public void setTag(String key, String value) {
    ObjectNode body = Http.JSON.createObjectNode();
    body.putObject("tags").put(key, value);
    client.put(task("tags", body));
  }

  /**
   * Uploads a file as the run's artifact under its file name; see {@link #logArtifact(Path,
   * String)}.
   */
  public Artifact logArtifact(Path file) {
    Objects.requireNonNull(file, "file");
    Path name = file.getFileName();
    if (name == null) {
      throw new IllegalArgumentException("'" + file + "' has no file name; give the artifact path");
    }
    return logArtifact(file, name.toString());
  }

  /**
   * Uploads a file as the run's artifact at {@code artifactPath} (e.g. {@code plots/loss.png}),
   * streamed from disk, and waits for the server to store it; a file already at that path is
   * replaced. Retried with backoff while the server is away (at most the client's close timeout
   * plus the time to send the file): a PUT stores the same file whatever number of times it
   * arrives. Checks the server's SHA-256 against the file's.
   *
   * @throws CairnClientException when the server refuses it (bad path, over its size limit, unknown
   *     run), cannot be reached in time, or stored other bytes than the file holds now
   */
  public Artifact logArtifact(Path file, String artifactPath) {
    Objects.requireNonNull(file, "file");
    if (artifactPath == null || artifactPath.isEmpty() || artifactPath.startsWith("/")) {
      throw new IllegalArgumentException(
          "artifactPath is a relative path such as plots/loss.png, got "
              + (artifactPath == null ? "null" : "'" + artifactPath + "'"));
    }
    for (String segment : artifactPath.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "artifactPath '"
                + artifactPath
                + "' has a '"
                + segment
                + "' segment; '.' and '..' are not allowed");
      }
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("'" + file + "' is not a readable file");
    }
    try {
      String local = sha256(file);
      String path =
          "api/tracking/runs/"
              + id
              + "/artifacts/"
              + encodePath(artifactPath)
              + "?source=java-client";
      JsonNode answer =
          client
              .http()
              .putFileWithRetries(path, file, System.nanoTime() + client.closeTimeout().toNanos());
      Artifact stored =
          new Artifact(
              answer.path("path").asText(),
              answer.path("sizeBytes").asLong(),
              answer.path("sha256").asText());
      if (!stored.sha256().equals(local)) {
        throw new CairnClientException(
            -1,
            "artifact '"
                + artifactPath
                + "' of run "
                + id
                + ": the server stored sha256 "
                + stored.sha256()
                + " but "
                + file
                + " has "
                + local
                + " (did the file change while it was sent?)");
      }
      return stored;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnClientException("interrupted while uploading " + file, e);
    } catch (IOException e) {
      throw new CairnClientException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** A stored artifact: its path in the run, size and SHA-256 (hex) as the server recorded them. */
  public record Artifact(String path, long sizeBytes, String sha256) {}

  static String encodePath(String path) {
    StringBuilder out = new StringBuilder();
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~/".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends what is queued, then ends the run; waits at most the client's close timeout. */
  public void end(EndStatus status) {
    end(status, null);
  }

  public void end(EndStatus status, String message) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    client.finalSample(this);
    ObjectNode body = Http.JSON.createObjectNode().put("status", status.name());
    if (message != null) {
      body.put("message", message);
    }
    Sender.Task t = task("end", body);
    client.put(t);
    try {
      t.done().get(client.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      System.getLogger(CairnClient.class.getName())
          .log(
              System.Logger.Level.WARNING,
              "Cairn: run " + id + " could not be ended " + status + ": " + e.getMessage());
    } finally {
      client.ended(this);
    }
  }

  boolean ended() {
    return ended.get();
  }

  /**
   * Points of this run lost: not queued (queue full), refused by the server, or unsent at close.
   */
  public long droppedPoints() {
    return dropped.get();
  }

  /** Points of this run the server acknowledged. */
  public long sentPoints() {
    return sent.get();
  }

  long nextBatch() {
    return batches.incrementAndGet();
  }

  /** Ends the run FINISHED unless it was ended already. */
  @Override
  public void close() {
    end(EndStatus.FINISHED);
  }

  private Sender.Task task(String what, ObjectNode body) {
    try {
      return new Sender.Task(
          this,
          "api/tracking/runs/" + id + "/" + what,
          "application/json",
          Http.JSON.writeValueAsBytes(body),
          new CompletableFuture<>());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void checkTag(String tag) {
    if (tag == null || tag.isBlank() || tag.length() > 255) {
      throw new IllegalArgumentException(
          "a tag is 1..255 characters, got " + (tag == null ? "null" : "'" + tag + "'"));
    }
  }

  @Override
  public String toString() {
    return "Run[" + id + "]";
  }

  static Map<String, String> strings(Map<String, ?> in) {
    LinkedHashMap<String, String> out = new LinkedHashMap<>();
    if (in != null) {
      in.forEach((k, v) -> out.put(k, String.valueOf(v)));
    }
    return out;
  }
}
