package dev.cairn.server.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.impl.MessageImpl;
import io.vertx.core.eventbus.impl.clustered.ClusteredMessage;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every event-bus message between cluster members with the shared secret: the sender
 * adds a timestamp, a unique nonce and an HMAC-SHA256 over address, headers, nonce, timestamp and
 * the body's wire bytes; a member drops any message from the wire whose MAC does not verify, that
 * is older or newer than {@link #WINDOW_MILLIS}, or that it has already seen (a replay), and
 * answers a request with 403 naming the reason. So a process that learned the Hazelcast cluster
 * name (it crosses the network in clear) still cannot register as a worker, send a trial, report
 * metrics or stop a sweep. Messages are authenticated, not encrypted.
 */
public final class ClusterMessageAuth {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterMessageAuth.class);
  static final String MAC = "cairn-mac";
  static final String TIME = "cairn-time";
  static final String NONCE = "cairn-nonce";

  /** Clock difference between members that is tolerated; also how long nonces are remembered. */
  static final long WINDOW_MILLIS = 120_000;

  private final ClusterSecret secret;
  private final String noncePrefix;
  private final AtomicLong counter = new AtomicLong();
  private final Map<String, Long> seen = new LinkedHashMap<>();
  private long lastWarning;

  private ClusterMessageAuth(ClusterSecret secret) {
    this.secret = secret;
    byte[] b = new byte[9];
    new SecureRandom().nextBytes(b);
    this.noncePrefix = Base64.getUrlEncoder().encodeToString(b) + "-";
  }

  /** Signs what this member sends and checks what it receives; call before deploying anything. */
  public static void install(Vertx vertx, ClusterSecret secret) {
    ClusterMessageAuth auth = new ClusterMessageAuth(secret);
    vertx.eventBus().addOutboundInterceptor(auth::sign);
    vertx.eventBus().addInboundInterceptor(auth::check);
  }

  private <T> void sign(DeliveryContext<T> ctx) {
    Message<T> m = ctx.message();
    // a failure reply carries no data and must reach a refused sender, which cannot verify our MAC
    if (!(ctx.body() instanceof ReplyException)) {
      m.headers().remove(MAC);
      m.headers().set(TIME, Long.toString(System.currentTimeMillis()));
      m.headers().set(NONCE, noncePrefix + counter.incrementAndGet());
      m.headers().set(MAC, Base64.getEncoder().encodeToString(mac(m, ctx.body())));
    }
    ctx.next();
  }

  private <T> void check(DeliveryContext<T> ctx) {
    // (the context's body() is not decoded yet for a message from the wire: ask the message)
    if (ctx.message() instanceof ClusteredMessage<?, ?> cm
        && cm.isFromWire()
        && !(cm.body() instanceof ReplyException)) {
      String problem = problem(cm, cm.body());
      if (problem != null) {
        refuse(ctx.message(), problem);
        return;
      }
    }
    ctx.next();
  }

  private String problem(Message<?> m, Object body) {
    String mac = m.headers().get(MAC);
    String time = m.headers().get(TIME);
    String nonce = m.headers().get(NONCE);
    if (mac == null || time == null || nonce == null) {
      return "the message is not signed (the sender has no cluster secret)";
    }
    byte[] expected = mac(m, body);
    byte[] got;
    try {
      got = Base64.getDecoder().decode(mac);
    } catch (IllegalArgumentException e) {
      return "the message's signature is malformed";
    }
    if (!ClusterSecret.same(expected, got)) {
      return "the message's signature does not match (the sender has another cluster secret)";
    }
    long sent;
    try {
      sent = Long.parseLong(time);
    } catch (NumberFormatException e) {
      return "the message's time is malformed";
    }
    long now = System.currentTimeMillis();
    if (Math.abs(now - sent) > WINDOW_MILLIS) {
      return "the message was sent "
          + (now - sent) / 1000
          + " s from now (clocks of the members differ, or it is replayed)";
    }
    synchronized (seen) {
      for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
        if (it.next() >= now - 2 * WINDOW_MILLIS) {
          break;
        }
        it.remove();
      }
      if (seen.putIfAbsent(nonce, now) != null) {
        return "the message was already received once (a replay)";
      }
    }
    return null;
  }

  private void refuse(Message<?> m, String problem) {
    long now = System.currentTimeMillis();
    synchronized (this) {
      if (now - lastWarning > 10_000) {
        lastWarning = now;
        LOG.warn("refused a cluster message to {}: {}", m.address(), problem);
        System.err.println("cluster: refused a message to " + m.address() + ": " + problem);
      }
    }
    if (m.replyAddress() != null) {
      m.fail(
          403,
          "refused by a cluster member: "
              + problem
              + "; the head and every worker need the same cluster secret");
    }
  }

  /** MAC over address, the other headers (sorted), the body's wire form. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private byte[] mac(Message<?> m, Object body) {
    List<String> headers = new ArrayList<>();
    for (Map.Entry<String, String> e : m.headers()) {
      if (!e.getKey().equalsIgnoreCase(MAC)) {
        headers.add(e.getKey().toLowerCase(Locale.ROOT) + "=" + e.getValue());
      }
    }
    headers.sort(null);
    Buffer wire = Buffer.buffer();
    if (body != null) {
      MessageCodec codec = ((MessageImpl<?, ?>) m).codec();
      codec.encodeToWire(wire, body);
    }
    return secret.mac(utf8(m.address()), utf8(String.join("\n", headers)), wire.getBytes());
  }

  private static byte[] utf8(String s) {
    return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
  }
}
