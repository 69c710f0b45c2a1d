package dev.cairn.core.security;

/**
 * What checking a presented token found; {@code token} is set only when {@code outcome} is {@code
 * VALID}.
 */
public record Verification(Outcome outcome, TokenInfo token) {
  public enum Outcome {
    /** Not in the cairn_ format, no such id, or the secret does not match. */
    UNKNOWN,
    EXPIRED,
    REVOKED,
    VALID
  }

  static Verification of(Outcome outcome) {
    return new Verification(outcome, null);
  }
}
