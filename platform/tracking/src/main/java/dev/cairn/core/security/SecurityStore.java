package dev.cairn.core.security;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tokens, owners and the audit trail. Every method blocks on the database: call it off the Vert.x
 * event loop.
 */
public interface SecurityStore {
  /** Things that record who created them (the {@code owner} column of their table). */
  enum Owned {
    RUN("runs", "id"),
    SWEEP("sweeps", "id"),
    MODEL("models", "id"),
    ARTIFACT("run_artifacts", "run_id");

    final String table;
    final String key;

    Owned(String table, String key) {
      this.table = table;
      this.key = key;
    }
  }

  /** Creates a token; fails with IllegalArgumentException when the name is taken or not allowed. */
  IssuedToken createToken(String name, Scope scope, Instant expiresAt);

  /** How many tokens {@link #listTokens()} reads from the database at a time. */
  int TOKEN_PAGE = 1000;

  /**
   * Tokens by creation time, then name: at most {@code limit} (at least 1) after the first {@code
   * offset}.
   */
  List<TokenInfo> listTokens(long offset, int limit);

  /** Every token, by creation time, then name, read {@link #TOKEN_PAGE} at a time. */
  default List<TokenInfo> listTokens() {
    List<TokenInfo> all = new ArrayList<>();
    for (long offset = 0; ; offset += TOKEN_PAGE) {
      List<TokenInfo> page = listTokens(offset, TOKEN_PAGE);
      all.addAll(page);
      if (page.size() < TOKEN_PAGE) {
        return all;
      }
    }
  }

  /** Revokes the named token; empty when there is no such token. */
  Optional<TokenInfo> revokeToken(String name);

  /** How many tokens were ever created (revoked and expired ones count: auth stays on). */
  int tokenCount();

  /** Checks a presented token (the PBKDF2 hash makes this deliberately slow: a few ms). */
  Verification verify(String presented);

  /** Records who created a thing (for an artifact, {@code key} is the run id). */
  void setOwner(Owned kind, String key, String owner);

  /** The owner of a thing, or empty when it does not exist. */
  Optional<String> owner(Owned kind, String key);

  /** Appends to the audit trail (never updates or deletes it). */
  void audit(String actor, String action, String target, String address, String detail);

  /** The newest {@code limit} audit entries, newest first. */
  List<AuditEntry> auditTrail(int limit);
}
