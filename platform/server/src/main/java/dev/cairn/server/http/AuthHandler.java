package dev.cairn.server.http;

import dev.cairn.core.security.Scope;
import dev.cairn.core.security.SecurityStore;
import dev.cairn.core.security.TokenInfo;
import dev.cairn.core.security.TokenSecrets;
import dev.cairn.core.security.Verification;
import dev.cairn.server.http.AccessRules.Access;
import dev.cairn.server.http.AccessRules.Rule;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one handler in front of every route: security headers, CORS for listed origins, the CSRF
 * rule, authentication (Bearer, or Basic with the token as password), the scope the route's {@link
 * AccessRules} rule needs, the per-token write rate limit, slowed answers after repeated failed
 * authentication, and the audit record of the route. Hash checks run on a worker; a verified token
 * is remembered (by its id, with a digest of the whole token) for {@link #CACHE_MILLIS}.
 */
final class AuthHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(AuthHandler.class);
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";
  static final String BODY_LIMIT_KEY = "cairn.bodyLimit";
  static final long CACHE_MILLIS = 30_000;
  static final int FREE_FAILURES = 5;
  static final long FAILURE_WINDOW_MILLIS = 15 * 60_000;
  static final long MAX_DELAY_MILLIS = 8_000;

  private record Cached(byte[] digest, TokenInfo info, long verifiedAt) {}

  private static final class Failures {
    int count;
    long last;
  }

  private static final class Window {
    long start;
    int used;
  }

  private final Vertx vertx;
  private final SecurityStore store;
  private final AuthSettings settings;
  private final Map<String, Cached> verified = new ConcurrentHashMap<>();
  private final Map<String, Failures> failures = new ConcurrentHashMap<>();
  private final Map<String, Window> writes = new ConcurrentHashMap<>();

  AuthHandler(Vertx vertx, SecurityStore store, AuthSettings settings) {
    this.vertx = vertx;
    this.store = store;
    this.settings = settings;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    HttpServerResponse res = ctx.response();
    res.putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "no-referrer");
    String origin = req.getHeader("Origin");
    boolean corsAllowed = origin != null && settings.corsOrigins().contains(origin);
    if (corsAllowed) {
      res.putHeader("Access-Control-Allow-Origin", origin)
          .putHeader("Vary", "Origin")
          .putHeader("Access-Control-Expose-Headers", "Retry-After, WWW-Authenticate");
    } else if (origin != null) {
      res.putHeader("Vary", "Origin");
    }
    HttpMethod method = req.method();
    String path = ctx.normalizedPath();
    if (method.equals(HttpMethod.OPTIONS)) {
      if (corsAllowed) {
        res.putHeader("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE")
            .putHeader(
                "Access-Control-Allow-Headers", "Authorization, Content-Type, X-Cairn-Request")
            .putHeader("Access-Control-Max-Age", "600")
            .setStatusCode(204)
            .end();
      } else {
        refuse(
            ctx,
            403,
            "cors",
            "cross-origin requests from "
                + (origin == null ? "this client" : origin)
                + " are not allowed; list the origin with cairn serve --cors-origin");
      }
      return;
    }
    Optional<Rule> found = AccessRules.find(method, path);
    if (found.isEmpty()) {
      // fail closed: a route without a rule is never reached
      ctx.fail(ApiException.notFound("no such endpoint: " + method + " " + path));
      return;
    }
    Rule rule = found.get();
    ctx.put(BODY_LIMIT_KEY, rule.bodyLimit());
    if (isStateChanging(method) && !passesCsrf(req) && !mlflowArtifactUpload(method, path)) {
      refuse(
          ctx,
          403,
          "csrf",
          method
              + " "
              + path
              + " needs an Authorization header, a JSON (non-simple) Content-Type,"
              + " or the header X-Cairn-Request: 1 (cross-site request forgery protection)");
      return;
    }
    if (rule.access() == Access.PUBLIC) {
      ctx.put(Principal.KEY, settings.authRequired() ? Principal.ANONYMOUS : Principal.LOCAL);
      ctx.next();
      return;
    }
    if (!settings.authRequired()) {
      proceed(ctx, rule, Principal.LOCAL);
      return;
    }
    String presented = presentedToken(req);
    if (presented == null) {
      if (rule.access() == Access.READ && settings.publicRead()) {
        proceed(ctx, rule, Principal.ANONYMOUS);
      } else {
        unauthenticated(
            ctx,
            "this route needs a token: send Authorization: Bearer <token> (cairn token create makes one)");
      }
      return;
    }
    String address = address(req);
    req.pause(); // the body handlers after this one resume it
    authenticate(presented)
        .onFailure(ctx::fail)
        .onSuccess(
            v -> {
              if (v.outcome() != Verification.Outcome.VALID) {
                String why =
                    switch (v.outcome()) {
                      case EXPIRED ->
                          "the token has expired; create a new one with cairn token create";
                      case REVOKED -> "the token has been revoked";
                      default -> "the token is not valid";
                    };
                // only failed attempts wait: a client guessing tokens slows down, others sharing
                // its address do not
                vertx.setTimer(Math.max(1, recordFailure(address)), t -> unauthenticated(ctx, why));
                return;
              }
              TokenInfo t = v.token();
              proceed(ctx, rule, new Principal(t.name(), t.scope(), true));
            });
  }

  private void proceed(RoutingContext ctx, Rule rule, Principal who) {
    Scope needed =
        switch (rule.access()) {
          case ADMIN -> Scope.ADMIN;
          case WRITE -> Scope.WRITE;
          default -> Scope.READ;
        };
    if (who.authenticated() && !who.scope().covers(needed)) {
      refuse(
          ctx,
          403,
          "forbidden",
          ctx.request().method()
              + " "
              + ctx.normalizedPath()
              + " needs a token with scope "
              + needed.id()
              + "; '"
              + who.name()
              + "' has scope "
              + who.scope().id());
      return;
    }
    ctx.put(Principal.KEY, who);
    // the request was paused while the token was checked; a route that answers before reading the
    // whole body (a 413 on Content-Length) must still drain it, or the client, blocked sending a
    // body nobody reads, never sees the answer
    ctx.addHeadersEndHandler(v -> ctx.request().resume());
    // only what changes the store counts as a write: a read asked with POST (inference, MLflow's
    // searches) is not held to the write limit
    if (settings.authRequired()
        && isStateChanging(ctx.request().method())
        && rule.access().compareTo(Access.WRITE) >= 0
        && !allowWrite(ctx, who.owner())) {
      return;
    }
    if (rule.audit() != null) {
      String address = address(ctx.request());
      String path = ctx.normalizedPath();
      String action = rule.audit();
      ctx.addEndHandler(
          done -> {
            int status = ctx.response().getStatusCode();
            if (status < 400) {
              vertx
                  .executeBlocking(
                      () -> {
                        store.audit(who.owner(), action, path, address, "HTTP " + status);
                        return null;
                      },
                      false)
                  .onFailure(
                      e ->
                          LOG.warn(
                              "could not record audit entry {} {}: {}",
                              action,
                              path,
                              e.getMessage()));
            }
          });
    }
    ctx.next();
  }

  private boolean allowWrite(RoutingContext ctx, String who) {
    long now = System.currentTimeMillis();
    Window w = writes.computeIfAbsent(who, k -> new Window());
    synchronized (w) {
      if (now - w.start >= 60_000) {
        w.start = now;
        w.used = 0;
      }
      if (w.used < settings.writesPerMinute()) {
        w.used++;
        return true;
      }
      long retry = Math.max(1, (w.start + 60_000 - now + 999) / 1000);
      ctx.response().putHeader("Retry-After", Long.toString(retry));
      refuse(
          ctx,
          429,
          "rate_limited",
          "'"
              + who
              + "' made more than "
              + settings.writesPerMinute()
              + " write requests this minute; retry in "
              + retry
              + " s (cairn serve --write-rate-limit sets the limit)");
      return false;
    }
  }

  private Future<Verification> authenticate(String presented) {
    String id = TokenSecrets.idOf(presented);
    if (id == null) {
      return Future.succeededFuture(new Verification(Verification.Outcome.UNKNOWN, null));
    }
    byte[] digest = sha256(presented);
    long now = System.currentTimeMillis();
    Cached c = verified.get(id);
    if (c != null && now - c.verifiedAt < CACHE_MILLIS && MessageDigest.isEqual(c.digest, digest)) {
      if (c.info.expiresAt() != null && !Instant.now().isBefore(c.info.expiresAt())) {
        verified.remove(id);
        return Future.succeededFuture(new Verification(Verification.Outcome.EXPIRED, null));
      }
      return Future.succeededFuture(new Verification(Verification.Outcome.VALID, c.info));
    }
    return vertx
        .executeBlocking(() -> store.verify(presented), false)
        .onSuccess(
            v -> {
              if (v.outcome() == Verification.Outcome.VALID) {
                verified.put(id, new Cached(digest, v.token(), now));
              } else {
                verified.remove(id);
              }
            });
  }

  /** Counts a failed attempt and returns how long to hold its answer (ms). */
  private long recordFailure(String address) {
    Failures f = failures.computeIfAbsent(address, k -> new Failures());
    synchronized (f) {
      long now = System.currentTimeMillis();
      if (now - f.last > FAILURE_WINDOW_MILLIS) {
        f.count = 0;
      }
      f.count++;
      f.last = now;
      if (f.count == FREE_FAILURES) {
        LOG.warn(
            "{} failed authentication {} times; its failed attempts are now answered slowly",
            address,
            f.count);
      }
      if (f.count < FREE_FAILURES || settings.failureDelayMillis() == 0) {
        return 0;
      }
      return Math.min(
          MAX_DELAY_MILLIS, settings.failureDelayMillis() << Math.min(8, f.count - FREE_FAILURES));
    }
  }

  /**
   * The token from {@code Authorization: Bearer T} or {@code Basic base64(any:T)}; null when none.
   */
  static String presentedToken(HttpServerRequest req) {
    String h = req.getHeader("Authorization");
    if (h == null) {
      return null;
    }
    h = h.trim();
    String lower = h.toLowerCase(Locale.ROOT);
    if (lower.startsWith("bearer ")) {
      return h.substring(7).trim();
    }
    if (lower.startsWith("basic ")) {
      try {
        String decoded =
            new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon < 0 ? decoded : decoded.substring(colon + 1);
      } catch (IllegalArgumentException e) {
        return "";
      }
    }
    return "";
  }

  static boolean isStateChanging(HttpMethod m) {
    return m.equals(HttpMethod.POST)
        || m.equals(HttpMethod.PUT)
        || m.equals(HttpMethod.PATCH)
        || m.equals(HttpMethod.DELETE);
  }

  /**
   * MLflow's clients upload artifacts with the file's guessed type (text/plain for a .txt) and no
   * Cairn header. A PUT needs no CSRF marker to be safe: forms cannot send one, and a browser
   * preflights every cross-origin PUT, which this server refuses unless the origin is listed.
   */
  static boolean mlflowArtifactUpload(HttpMethod method, String path) {
    return method.equals(HttpMethod.PUT) && path.startsWith(ArtifactRoutes.MLFLOW_PROXY + "/");
  }

  /** The CSRF rule of docs/security.md: what a cross-site form or simple fetch cannot send. */
  static boolean passesCsrf(HttpServerRequest req) {
    if (req.getHeader("Authorization") != null || "1".equals(req.getHeader("X-Cairn-Request"))) {
      return true;
    }
    String type = req.getHeader("Content-Type");
    if (type == null || type.isBlank()) {
      return false;
    }
    String mime = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return !(mime.equals("application/x-www-form-urlencoded")
        || mime.equals("multipart/form-data")
        || mime.equals("text/plain"));
  }

  static String address(HttpServerRequest req) {
    return req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
  }

  private static void unauthenticated(RoutingContext ctx, String message) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"cairn\"");
    refuse(ctx, 401, "unauthenticated", message);
  }

  static void refuse(RoutingContext ctx, int status, String code, String message) {
    ctx.request().resume();
    HttpSupport.json(ctx, status, new JsonObject().put("error", message).put("code", code));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
