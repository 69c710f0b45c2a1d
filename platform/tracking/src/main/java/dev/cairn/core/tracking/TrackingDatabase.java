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

  /**
   * Tells the tracking store's run-change listeners ({@link TrackingStore#onRunChanged}) that a
   * committed write of this database changed or deleted the row of run {@code runId} (its status,
   * name or existence), as the tracking store's own writes do: the dashboard's run list then shows
   * it at once instead of at its next full listing. Call it after the write returned.
   */
  void runChanged(String runId);
}
