package dev.cairn.core.tracking;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The SQL database behind a {@link TrackingStore}, for the stores of its other tables (media,
 * artifacts, sweeps, models, MLflow, client keys). Writes go through the tracking store's one
 * writer connection, serialized with its own writes; reads take pooled connections. Every method
 * blocks (JDBC): never call it on an event loop.
 */
public interface TrackingDatabase {

  /** A unit of JDBC work on a connection of the database. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} on a pooled connection (auto-commit): for reads. */
  <T> T read(Work<T> work) throws SQLException;

  /**
   * Runs {@code work} on the writer connection in one transaction, after every earlier write of the
   * store: committed and made durable (a kill -9 afterwards loses nothing of it) when it returns,
   * rolled back when it throws. The work may commit or roll back part of its work itself (the
   * connection does not auto-commit); it must not call back into the tracking store's writes.
   */
  <T> T write(Work<T> work) throws SQLException;

  /**
   * As {@link #write}, committed but not forced to disk at once: it gets there within the
   * database's write delay (under a second on H2), so a kill -9 may lose the last of these. For
   * frequent writes nobody is answered about (the trainer's media every 250 ms).
   */
  <T> T writeLazily(Work<T> work) throws SQLException;
}
