package dev.cairn.server.http;

import java.util.List;

/**
 * How {@code cairn serve} guards its routes (docs/security.md).
 *
 * @param authRequired false only on a loopback bind with no token created, or with
 *     --insecure-no-auth
 * @param publicRead reads need no token (--public-read)
 * @param corsOrigins origins that get CORS headers (--cors-origin); empty: none
 * @param writesPerMinute per-token limit on write requests (--write-rate-limit), at least 1
 * @param failureDelayMillis how long the 6th failed authentication from one address waits for its
 *     answer, doubling with each further failure up to 8 s (--auth-failure-delay; 0 disables)
 */
public record AuthSettings(
    boolean authRequired,
    boolean publicRead,
    List<String> corsOrigins,
    int writesPerMinute,
    long failureDelayMillis) {
  public static final int DEFAULT_WRITES_PER_MINUTE = 600;
  public static final long DEFAULT_FAILURE_DELAY_MILLIS = 250;

  public AuthSettings(
      boolean authRequired, boolean publicRead, List<String> corsOrigins, int writesPerMinute) {
    this(authRequired, publicRead, corsOrigins, writesPerMinute, DEFAULT_FAILURE_DELAY_MILLIS);
  }

  public AuthSettings {
    corsOrigins = List.copyOf(corsOrigins);
    if (writesPerMinute < 1) {
      throw new IllegalArgumentException(
          "writesPerMinute must be at least 1, got " + writesPerMinute);
    }
    if (failureDelayMillis < 0 || failureDelayMillis > 8_000) {
      throw new IllegalArgumentException(
          "failureDelayMillis must be 0..8000, got " + failureDelayMillis);
    }
  }

  /** Today's behaviour for a loopback server without tokens: everything open to the local user. */
  public static AuthSettings open() {
    return new AuthSettings(false, false, List.of(), DEFAULT_WRITES_PER_MINUTE);
  }
}
