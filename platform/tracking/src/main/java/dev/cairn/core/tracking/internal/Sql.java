package dev.cairn.core.tracking.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Small JDBC helpers shared by the DAOs. */
public final class Sql {
  private Sql() {}

  /** A unit of JDBC work. */
  @FunctionalInterface
  public interface Work<T> {
    T run() throws SQLException;
  }

  public static void setInstant(PreparedStatement ps, int index, Instant instant)
      throws SQLException {
    ps.setObject(index, instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
  }

  public static Instant getInstant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
    return at == null ? null : at.toInstant();
  }
}
