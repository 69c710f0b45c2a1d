package dev.cairn.core.security;

import dev.cairn.core.tracking.TrackingDatabase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@link SecurityStore} on the tracking database's tables {@code api_tokens} and {@code audit_log}
 * (Flyway V5). Reads take pooled connections; each write is one durable transaction through the
 * tracking store's writer ({@link TrackingDatabase#write}).
 */
public final class H2SecurityStore implements SecurityStore {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

  private final TrackingDatabase db;

  public H2SecurityStore(TrackingDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  private <T> T with(TrackingDatabase.Work<T> work) {
    try {
      return db.read(work);
    } catch (SQLException e) {
      throw new IllegalStateException("security store: " + e.getMessage(), e);
    }
  }

  private <T> T write(TrackingDatabase.Work<T> work) {
    try {
      return db.write(work);
    } catch (SQLException e) {
      throw new IllegalStateException("security store: " + e.getMessage(), e);
    }
  }

  @Override
  public IssuedToken createToken(String name, Scope scope, Instant expiresAt) {
    if (name == null || !NAME.matcher(name).matches() || name.equals("local")) {
      throw new IllegalArgumentException(
          "token name '"
              + name
              + "' is not allowed; use 1-64 letters, digits, '.', '_' or '-'"
              + " starting with a letter or digit (and not 'local')");
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    String id = TokenSecrets.random(TokenSecrets.ID_LENGTH);
    String secret = TokenSecrets.random(TokenSecrets.SECRET_LENGTH);
    String hash = TokenSecrets.hash(secret);
    return write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT 1 FROM api_tokens WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                throw new IllegalArgumentException(
                    "a token named '"
                        + name
                        + "' exists; pick another name or revoke it"
                        + " (names stay taken after revoking, so the audit trail stays unambiguous)");
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO api_tokens (id, name, scope, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, name);
            ps.setString(3, scope.id());
            ps.setString(4, hash);
            ps.setObject(5, odt(now));
            ps.setObject(6, odt(expiresAt));
            ps.executeUpdate();
          }
          TokenInfo info = new TokenInfo(id, name, scope, now, expiresAt, null, null);
          return new IssuedToken(info, TokenSecrets.PREFIX + id + secret);
        });
  }

  @Override
  public List<TokenInfo> listTokens(long offset, int limit) {
    if (offset < 0 || limit < 1) {
      throw new IllegalArgumentException(
          "token page: offset must be at least 0 and limit at least 1, were "
              + offset
              + " and "
              + limit);
    }
    return with(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  SELECT_TOKEN
                      + " ORDER BY created_at, name OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
            ps.setLong(1, offset);
            ps.setInt(2, limit);
            return tokens(ps);
          }
        });
  }

  private static final String SELECT_TOKEN =
      "SELECT id, name, scope, secret_hash, created_at, expires_at, revoked_at, last_used_at FROM api_tokens";

  private static List<TokenInfo> tokens(PreparedStatement ps) throws SQLException {
    List<TokenInfo> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new TokenInfo(
                rs.getString("id"),
                rs.getString("name"),
                Scope.parse(rs.getString("scope")),
                instant(rs, "created_at"),
                instant(rs, "expires_at"),
                instant(rs, "revoked_at"),
                instant(rs, "last_used_at")));
      }
    }
    return out;
  }

  @Override
  public Optional<TokenInfo> revokeToken(String name) {
    return write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE name = ?")) {
            ps.setObject(1, odt(Instant.now()));
            ps.setString(2, name);
            if (ps.executeUpdate() == 0) {
              return Optional.empty();
            }
          }
          try (PreparedStatement ps = c.prepareStatement(SELECT_TOKEN + " WHERE name = ?")) {
            ps.setString(1, name);
            return tokens(ps).stream().findFirst();
          }
        });
  }

  @Override
  public int tokenCount() {
    return with(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM api_tokens");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
          }
        });
  }

  @Override
  public Verification verify(String presented) {
    String id = TokenSecrets.idOf(presented);
    if (id == null) {
      return Verification.of(Verification.Outcome.UNKNOWN);
    }
    return touched(
        with(
            c -> {
              String hash;
              TokenInfo info;
              try (PreparedStatement ps = c.prepareStatement(SELECT_TOKEN + " WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                  if (!rs.next()) {
                    return Verification.of(Verification.Outcome.UNKNOWN);
                  }
                  hash = rs.getString("secret_hash");
                  info =
                      new TokenInfo(
                          id,
                          rs.getString("name"),
                          Scope.parse(rs.getString("scope")),
                          instant(rs, "created_at"),
                          instant(rs, "expires_at"),
                          instant(rs, "revoked_at"),
                          instant(rs, "last_used_at"));
                }
              }
              if (!TokenSecrets.matches(TokenSecrets.secretOf(presented), hash)) {
                return Verification.of(Verification.Outcome.UNKNOWN);
              }
              Instant now = Instant.now();
              switch (info.state(now)) {
                case "revoked":
                  return Verification.of(Verification.Outcome.REVOKED);
                case "expired":
                  return Verification.of(Verification.Outcome.EXPIRED);
                default:
                  break;
              }
              return new Verification(Verification.Outcome.VALID, info);
            }));
  }

  /** Records a valid token's use, at most once per {@link #LAST_USED_GRANULARITY}. */
  private Verification touched(Verification v) {
    if (v.outcome() != Verification.Outcome.VALID) {
      return v;
    }
    Instant now = Instant.now();
    Instant last = v.token().lastUsedAt();
    if (last == null || last.plus(LAST_USED_GRANULARITY).isBefore(now)) {
      write(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")) {
              ps.setObject(1, odt(now));
              ps.setString(2, v.token().id());
              return ps.executeUpdate();
            }
          });
    }
    return v;
  }

  @Override
  public void setOwner(Owned kind, String key, String owner) {
    write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE " + kind.table + " SET owner = ? WHERE " + kind.key + " = ?")) {
            ps.setString(1, owner);
            ps.setString(2, key);
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public Optional<String> owner(Owned kind, String key) {
    return with(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT owner FROM " + kind.table + " WHERE " + kind.key + " = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
          }
        });
  }

  @Override
  public void audit(String actor, String action, String target, String address, String detail) {
    write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO audit_log (at, actor, action, target, address, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, odt(Instant.now()));
            ps.setString(2, clip(actor, 64));
            ps.setString(3, clip(action, 64));
            ps.setString(4, clip(target, 1024));
            ps.setString(5, clip(address, 128));
            ps.setString(6, detail == null ? null : clip(detail, 1024));
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public List<AuditEntry> auditTrail(int limit) {
    return with(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, at, actor, action, target, address, detail FROM audit_log ORDER BY at DESC, id DESC FETCH FIRST ? ROWS ONLY")) {
            ps.setInt(1, limit);
            List<AuditEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new AuditEntry(
                        rs.getLong("id"),
                        instant(rs, "at"),
                        rs.getString("actor"),
                        rs.getString("action"),
                        rs.getString("target"),
                        rs.getString("address"),
                        rs.getString("detail")));
              }
            }
            return out;
          }
        });
  }

  private static String clip(String s, int max) {
    String v = s == null ? "" : s;
    return v.length() <= max ? v : v.substring(0, max);
  }

  private static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String col) throws SQLException {
    OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
