package dev.cairn.core.security;

import java.time.Instant;

/**
 * A stored token, without its secret.
 *
 * @param expiresAt null when it never expires
 * @param revokedAt null until revoked
 * @param lastUsedAt null until first used (updated at most once a minute)
 */
public record TokenInfo(
    String id,
    String name,
    Scope scope,
    Instant createdAt,
    Instant expiresAt,
    Instant revokedAt,
    Instant lastUsedAt) {

  /** {@code active}, {@code expired} or {@code revoked} at {@code now}. */
  public String state(Instant now) {
    if (revokedAt != null) {
      return "revoked";
    }
    if (expiresAt != null && !now.isBefore(expiresAt)) {
      return "expired";
    }
    return "active";
  }
}
