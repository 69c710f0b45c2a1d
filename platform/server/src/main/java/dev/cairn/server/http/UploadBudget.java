package dev.cairn.server.http;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many request-body bytes the whole server holds at once, across every upload and every
 * buffered body: a request that would take it past {@link #maxBytes()} gets a 429 with Retry-After
 * (or a 413 when it could never fit), so parallel uploads cannot exhaust the heap. {@code cairn
 * serve --max-upload-bytes-in-flight} sets it; the default is a quarter of the heap.
 *
 * <p>Two ways to use it. A route that buffers its body ({@code BodyHandler}) is covered by {@link
 * #bufferedBodies()}, mounted once in front of the API: it reserves the request's Content-Length
 * (the route's body limit when the body is chunked) until the response ends. A route that streams
 * its body to disk calls {@link #admit(RoutingContext, long)} first and {@link Reservation#grow}
 * for every chunk; the reservation is released when the response ends. {@link #of(RoutingContext)}
 * finds the server's budget from any handler.
 */
public final class UploadBudget {
  static final String KEY = "cairn.uploadBudget";
  static final String RESERVATION_KEY = "cairn.uploadReservation";
  static final int RETRY_AFTER_SECONDS = 5;

  private final long maxBytes;
  private final AtomicLong inFlight = new AtomicLong();

  public UploadBudget(long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("the upload budget must be at least 1 byte");
    }
    this.maxBytes = maxBytes;
  }

  /**
   * Deletes the temporary files of uploads a killed server left behind ({@code *.part} under {@code
   * <data>/uploads} and {@code <data>/tmp/uploads}) that are older than {@code before}, so an
   * upload this server has just begun is never touched. Returns how many went. Blocking.
   */
  public static int removeLeftovers(Path dataDir, Instant before) {
    int removed = 0;
    for (Path dir :
        List.of(dataDir.resolve("uploads"), dataDir.resolve("tmp").resolve("uploads"))) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (var files = Files.newDirectoryStream(dir, "*.part")) {
        for (Path f : files) {
          if (Files.getLastModifiedTime(f).toInstant().isBefore(before)
              && Files.deleteIfExists(f)) {
            removed++;
          }
        }
      } catch (IOException e) {
        // a folder that cannot be read keeps its leftovers; uploads still work
      }
    }
    return removed;
  }

  /** A quarter of the JVM's maximum heap. */
  public static long defaultMaxBytes() {
    return Math.max(1L << 20, Runtime.getRuntime().maxMemory() / 4);
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** Bytes reserved by requests now. */
  public long inFlight() {
    return inFlight.get();
  }

  /**
   * The server's budget, put into every request by {@link #bufferedBodies()}; null outside a
   * server.
   */
  public static UploadBudget of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  /** Reserves {@code bytes}, or returns null when they do not fit now. */
  public Reservation tryReserve(long bytes) {
    if (bytes < 0 || !take(bytes)) {
      return null;
    }
    return new Reservation(bytes);
  }

  private boolean take(long bytes) {
    while (true) {
      long now = inFlight.get();
      if (now + bytes > maxBytes) {
        return false;
      }
      if (inFlight.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  /** Bytes held by one request; give them back with {@link #close()} (idempotent). */
  public final class Reservation implements AutoCloseable {
    private long bytes;
    private boolean closed;

    private Reservation(long bytes) {
      this.bytes = bytes;
    }

    /** Takes {@code more} bytes too; false (and nothing taken) when they do not fit. */
    public synchronized boolean grow(long more) {
      if (closed || more < 0 || !take(more)) {
        return false;
      }
      bytes += more;
      return true;
    }

    public synchronized long bytes() {
      return bytes;
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        inFlight.addAndGet(-bytes);
      }
    }
  }

  /**
   * For a route that streams its body: reserves the declared Content-Length (nothing when chunked;
   * grow it per chunk), released when the response ends. Returns null after answering the request
   * itself: 413 when the declared length is over {@code routeLimit} or the whole budget, 429 with
   * Retry-After when the budget is taken by other requests now.
   */
  public Reservation admit(RoutingContext ctx, long routeLimit) {
    long declared = declaredLength(ctx);
    if (declared > routeLimit) {
      tooLarge(ctx, declared, routeLimit);
      return null;
    }
    return reserve(ctx, Math.max(0, declared));
  }

  private Reservation reserve(RoutingContext ctx, long bytes) {
    if (bytes > maxBytes) {
      refuse(
          ctx,
          413,
          "too_large",
          "request body of "
              + bytes
              + " bytes is larger than this server's upload budget of "
              + maxBytes
              + " bytes; the operator raises it with `cairn serve --max-upload-bytes-in-flight BYTES`");
      return null;
    }
    Reservation r = tryReserve(bytes);
    if (r == null) {
      busy(ctx);
      return null;
    }
    ctx.put(RESERVATION_KEY, r);
    ctx.addEndHandler(v -> r.close());
    return r;
  }

  /** The 429 for a request that does not fit in the budget now. */
  public void busy(RoutingContext ctx) {
    ctx.response().putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    refuse(
        ctx,
        429,
        "uploads_busy",
        "the server is receiving "
            + inFlight()
            + " bytes of other uploads (budget "
            + maxBytes
            + " bytes); retry in "
            + RETRY_AFTER_SECONDS
            + " s (the operator raises the budget with"
            + " `cairn serve --max-upload-bytes-in-flight BYTES`)");
  }

  /** The 413 naming the route's own limit. */
  public static void tooLarge(RoutingContext ctx, long bytes, long routeLimit) {
    refuse(
        ctx,
        413,
        "too_large",
        "request body"
            + (bytes >= 0 ? " of " + bytes + " bytes" : "")
            + " is larger than this route's limit of "
            + routeLimit
            + " bytes");
  }

  /**
   * The handler in front of routes that buffer their bodies: puts the budget into the request and
   * reserves the declared Content-Length, or the route's body limit for a chunked body, until the
   * response ends. Requests without a body and routes that stream ({@link AccessRules#streamsBody})
   * pass straight on.
   */
  public Handler<RoutingContext> bufferedBodies() {
    return ctx -> {
      ctx.put(KEY, this);
      long declared = declaredLength(ctx);
      boolean chunked =
          declared < 0 && ctx.request().headers().contains("Transfer-Encoding", "chunked", true);
      if ((declared <= 0 && !chunked)
          || AccessRules.streamsBody(ctx.request().method(), ctx.normalizedPath())) {
        ctx.next();
        return;
      }
      Long limit = ctx.get(AuthHandler.BODY_LIMIT_KEY);
      long routeLimit = limit == null ? AccessRules.DEFAULT_BODY : limit;
      if (declared > routeLimit) {
        tooLarge(ctx, declared, routeLimit);
        return;
      }
      if (reserve(ctx, chunked ? Math.min(routeLimit, maxBytes) : declared) != null) {
        ctx.next();
      }
    };
  }

  private static long declaredLength(RoutingContext ctx) {
    String raw = ctx.request().getHeader("Content-Length");
    if (raw == null) {
      return -1;
    }
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void refuse(RoutingContext ctx, int status, String code, String message) {
    // drain what the client still sends, so it reads the answer instead of blocking on its upload
    ctx.request().resume();
    if (ctx.normalizedPath().startsWith("/v2")) {
      // the Open Inference Protocol's error body
      HttpSupport.json(ctx, status, new JsonObject().put("error", message));
      return;
    }
    HttpSupport.json(
        ctx,
        status,
        new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)));
  }
}
