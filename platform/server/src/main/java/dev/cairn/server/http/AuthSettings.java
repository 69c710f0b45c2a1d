package dev.cairn.server.http;

import java.util.List;

/**
 * How {@code cairn serve} guards its routes (docs/security.md).
 *
 * @param authRequired false only on a loopback bind with no token created, or with --insecure-no-auth
 * @param publicRead reads need no token (--public-read)
 * @param corsOrigins origins that get CORS headers (--cors-origin); empty: none
 * @param writesPerMinute per-token limit on write requests (--write-rate-limit), at least 1
 */
public record AuthSettings(boolean authRequired, boolean publicRead, List<String> corsOrigins, int writesPerMinute) {
  public static final int DEFAULT_WRITES_PER_MINUTE = 600;

  public AuthSettings {
    corsOrigins = List.copyOf(corsOrigins);
    if (writesPerMinute < 1) {
      throw new IllegalArgumentException("writesPerMinute must be at least 1, got " + writesPerMinute);
    }
  }

  /** Today's behaviour for a loopback server without tokens: everything open to the local user. */
  public static AuthSettings open() {
    return new AuthSettings(false, false, List.of(), DEFAULT_WRITES_PER_MINUTE);
  }
}
