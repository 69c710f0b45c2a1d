package dev.cairn.core.tracking;

import dev.cairn.core.tracking.internal.ChunkBuffer;
import dev.cairn.core.tracking.internal.OpenChunk;
import dev.cairn.core.tracking.internal.RunIds;
import dev.cairn.core.tracking.internal.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TrackingStore} on H2: runs and params as rows, scalar series as chunks of up to 1024
 * points (see DESIGN.md, "How scalars are stored").
 *
 * <p>Writes go through one dedicated connection under a lock, each in one transaction; every commit
 * is followed by an H2 {@code CHECKPOINT}, which writes the store file, so a kill -9 after a write
 * returned loses nothing of it (H2 otherwise writes committed data up to half a second later).
 * Reads take connections from a pool and may run on any thread while the writer works; they see
 * what was flushed, not the points still held in open chunks.
 */
public final class H2TrackingStore implements TrackingStore {
  private static final Logger LOG = LoggerFactory.getLogger(H2TrackingStore.class);
  private static final int MAX_TAG_LENGTH = 255;
  private static final int READ_POOL_SIZE = 8;

  private final String url;
  private final JdbcConnectionPool readers;
  private final Connection writer;
  private final Object writeLock = new Object();
  private final ChunkBuffer buffer = new ChunkBuffer();
  private Instant lastCreatedAt = Instant.EPOCH;
  private boolean checkpointAfterCommit = true;
  private volatile boolean closed;

  /** QUEUED or RUNNING runs this process owns: their leases are renewed every few seconds. */
  private final Set<String> owned = ConcurrentHashMap.newKeySet();

  private final ScheduledExecutorService leases =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "cairn-run-leases");
            t.setDaemon(true);
            return t;
          });

  /** How often an owner renews its runs' leases. */
  public static final Duration HEARTBEAT_EVERY = seconds("CAIRN_HEARTBEAT_SECONDS", 5);

  /**
   * A run whose lease was not renewed for this long has a dead owner (six missed heartbeats by
   * default; env {@code CAIRN_RUN_LEASE_SECONDS}).
   */
  public static final Duration LEASE = seconds("CAIRN_RUN_LEASE_SECONDS", 30);

  private static Duration seconds(String env, long dflt) {
    try {
      long s = Long.parseLong(System.getenv().getOrDefault(env, Long.toString(dflt)).trim());
      return Duration.ofSeconds(s >= 1 ? s : dflt);
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(dflt);
    }
  }

  private final List<Consumer<String>> runListeners = new CopyOnWriteArrayList<>();

  @Override
  public void onRunChanged(Consumer<String> listener) {
    runListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  private void changed(String runId) {
    for (var l : runListeners) {
      try {
        l.accept(runId);
      } catch (RuntimeException e) {
        LOG.warn("a run-change listener failed: {}", e.toString());
      }
    }
  }

  private H2TrackingStore(String url, JdbcConnectionPool readers, Connection writer) {
    this.url = url;
    this.readers = readers;
    this.writer = writer;
    long every = HEARTBEAT_EVERY.toMillis();
    leases.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
  }

  private void renewLeases() {
    if (owned.isEmpty() || closed) {
      return;
    }
    try {
      write(
          () -> {
            RunDao.heartbeat(writer, List.copyOf(owned), now());
            writer.commit();
            return null;
          });
    } catch (RuntimeException e) {
      LOG.warn("run leases not renewed: {}", e.getMessage());
    }
  }

  /**
   * Opens (and creates or migrates) the store at any H2 URL: {@code jdbc:h2:file:...}, {@code
   * jdbc:h2:tcp://host:port/...}, {@code jdbc:h2:mem:...}.
   */
  public static H2TrackingStore open(String jdbcUrl, String user, String password) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, user, password);
    pool.setMaxConnections(READ_POOL_SIZE);
    Connection writer = null;
    try {
      JdbcDataSource writerSource = new JdbcDataSource();
      writerSource.setURL(jdbcUrl);
      writerSource.setUser(user);
      writerSource.setPassword(password);
      writer = writerSource.getConnection();
      writer.setAutoCommit(false);
      Flyway.configure(H2TrackingStore.class.getClassLoader())
          .dataSource(pool)
          .locations("classpath:db/migration")
          .load()
          .migrate();
      return new H2TrackingStore(jdbcUrl, pool, writer);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(writer);
      pool.dispose();
      throw new TrackingStoreException(
          "Cannot open the tracking store at " + jdbcUrl + ": " + e.getMessage(), e);
    }
  }

  /** Opens the file database {@code dataDir/cairn} (files {@code cairn.mv.db}, ...). */
  public static H2TrackingStore openInDirectory(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    if (dir.toString().contains(";")) {
      throw new IllegalArgumentException(
          "Data directory " + dir + " contains ';', which H2 URLs cannot hold");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new TrackingStoreException("Cannot create the data directory " + dir, e);
    }
    // H2's own shutdown hook would close the database before Cairn's hook has stopped the training
    // and flushed its last points (Ctrl-C, SIGTERM); Cairn closes the store itself
    return open("jdbc:h2:file:" + dir.resolve("cairn") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");
  }

  /**
   * The pooled connections of this store's database, for reads of other tables in it by tests and
   * tools. Closed with this store. Stores of other tables take {@link #database()}: their writes go
   * through this store's writer.
   */
  public DataSource dataSource() {
    return readers;
  }

  /**
   * This store's database for the stores of its other tables (media, artifacts, sweeps, models):
   * reads on the pool, writes on this store's one writer, each committed durably.
   */
  public TrackingDatabase database() {
    return database;
  }

  private final TrackingDatabase database =
      new TrackingDatabase() {
        @Override
        public <T> T read(Work<T> work) throws SQLException {
          ensureOpen();
          try (Connection c = readers.getConnection()) {
            return work.run(c);
          }
        }

        @Override
        public <T> T write(Work<T> work) throws SQLException {
          return onWriter(work, true);
        }

        @Override
        public <T> T writeLazily(Work<T> work) throws SQLException {
          return onWriter(work, false);
        }

        @Override
        public void runChanged(String runId) {
          changed(Objects.requireNonNull(runId, "runId"));
        }

        private <T> T onWriter(Work<T> work, boolean durable) throws SQLException {
          synchronized (writeLock) {
            ensureOpen();
            try {
              T result = work.run(writer);
              if (durable) {
                commitDurably();
              } else {
                writer.commit();
              }
              return result;
            } catch (SQLException | RuntimeException e) {
              rollbackQuietly();
              throw e;
            }
          }
        }
      };

  @Override
  public RunRecord createRun(NewRun run) {
    Objects.requireNonNull(run, "run");
    return write(
        () -> {
          Instant createdAt = nextCreatedAt();
          long experimentId = RunDao.experimentId(writer, run.experiment(), createdAt);
          String id = RunIds.next();
          while (RunDao.exists(writer, id)) {
            id = RunIds.next();
          }
          RunDao.insertRun(writer, id, experimentId, run, createdAt);
          RunDao.upsertParams(writer, id, run.params());
          commitDurably();
          owned.add(id);
          changed(id);
          return new RunRecord(
              id,
              run.experiment(),
              run.name(),
              RunStatus.QUEUED,
              createdAt,
              null,
              null,
              run.seed(),
              run.device(),
              run.specHash(),
              run.specText(),
              null,
              run.provenance());
        });
  }

  @Override
  public void markRunning(String runId, String device) {
    Objects.requireNonNull(device, "device");
    write(
        () -> {
          if (RunDao.markRunning(writer, runId, device, now()) == 0) {
            RunStatus status = requireRun(runId);
            throw new IllegalStateException(
                "Run '" + runId + "' is " + status + "; only a QUEUED run can start");
          }
          commitDurably();
          changed(runId);
          return null;
        });
  }

  @Override
  public List<String> ownedRuns() {
    return List.copyOf(owned);
  }

  @Override
  public void reopen(String runId) {
    write(
        () -> {
          if (RunDao.reopen(writer, runId) == 0) {
            RunStatus status = requireRun(runId);
            throw new IllegalStateException(
                "Run '"
                    + runId
                    + "' is "
                    + status
                    + "; only a FAILED or KILLED run can be resumed");
          }
          RunDao.heartbeat(writer, List.of(runId), now());
          commitDurably();
          owned.add(runId);
          changed(runId);
          return null;
        });
  }

  /**
   * {@inheritDoc} The run's open chunks are written in the same transaction and leave memory. A run
   * that has already ended keeps its first terminal status and message.
   */
  @Override
  public void markEnded(String runId, RunStatus status, String message) {
    if (!status.terminal()) {
      throw new IllegalArgumentException(
          "markEnded takes FINISHED, FAILED, KILLED or PRUNED, not " + status);
    }
    write(
        () -> {
          requireRun(runId);
          List<OpenChunk> dirty = buffer.dirtyChunks(runId);
          ChunkDao.upsert(writer, dirty);
          RunDao.markEnded(writer, runId, status, message, now());
          commitDurably();
          owned.remove(runId);
          buffer.flushed(dirty);
          buffer.drop(runId);
          changed(runId);
          return null;
        });
  }

  @Override
  public void logParams(String runId, Map<String, String> params) {
    if (params.isEmpty()) {
      return;
    }
    write(
        () -> {
          requireRun(runId);
          RunDao.upsertParams(writer, runId, params);
          commitDurably();
          changed(runId);
          return null;
        });
  }

  @Override
  public void writeScalars(List<ScalarPoint> points) {
    if (points.isEmpty()) {
      return;
    }
    write(
        () -> {
          // check the whole batch first, so that a bad point leaves nothing half-applied
          for (int i = 0; i < points.size(); i++) {
            ScalarPoint p = points.get(i);
            checkPoint(i, p);
            if (!buffer.isLoaded(p.runId())) {
              requireRun(p.runId());
              buffer.load(p.runId(), ChunkDao.tails(writer, p.runId()));
            }
          }
          writer.commit();
          for (ScalarPoint p : points) {
            buffer.append(p.runId(), p.tag(), p.step(), p.wallTimeMillis(), p.value());
          }
          return null;
        });
  }

  @Override
  public void writeScalarSeries(List<ScalarSeries> series) {
    if (series.isEmpty()) {
      return;
    }
    write(
        () -> {
          for (int i = 0; i < series.size(); i++) {
            ScalarSeries s = series.get(i);
            if (s == null || s.runId() == null || s.tag() == null) {
              throw new IllegalArgumentException("Series " + i + " needs a run id and a tag");
            }
            if (s.tag().isBlank() || s.tag().length() > MAX_TAG_LENGTH) {
              throw new IllegalArgumentException(
                  "Series " + i + " has tag '" + s.tag() + "'; a tag is 1 to 255 characters");
            }
            if (!buffer.isLoaded(s.runId())) {
              requireRun(s.runId());
              buffer.load(s.runId(), ChunkDao.tails(writer, s.runId()));
            }
          }
          writer.commit();
          for (ScalarSeries s : series) {
            buffer.appendAll(s.runId(), s.tag(), s.steps(), s.wallTimes(), s.values());
          }
          return null;
        });
  }

  private static void checkPoint(int index, ScalarPoint p) {
    if (p == null || p.runId() == null || p.tag() == null) {
      throw new IllegalArgumentException("Point " + index + " needs a run id and a tag: " + p);
    }
    if (p.tag().isBlank() || p.tag().length() > MAX_TAG_LENGTH) {
      throw new IllegalArgumentException(
          "Point " + index + " has tag '" + p.tag() + "'; a tag is 1 to 255 characters");
    }
  }

  @Override
  public void flush() {
    write(
        () -> {
          flushDirty();
          return null;
        });
  }

  private void flushDirty() throws SQLException {
    List<OpenChunk> dirty = buffer.dirtyChunks(null);
    if (dirty.isEmpty()) {
      return;
    }
    try {
      ChunkDao.upsert(writer, dirty);
    } catch (SQLException e) {
      writer.rollback();
      // a run deleted behind the writer's back would otherwise fail every flush from now on
      if (!dropVanishedRuns(dirty)) {
        throw e;
      }
      dirty = buffer.dirtyChunks(null);
      ChunkDao.upsert(writer, dirty);
    }
    commitDurably();
    buffer.flushed(dirty);
  }

  private boolean dropVanishedRuns(List<OpenChunk> dirty) throws SQLException {
    Set<String> runIds = new TreeSet<>();
    dirty.forEach(chunk -> runIds.add(chunk.runId()));
    boolean dropped = false;
    for (String runId : runIds) {
      if (!RunDao.exists(writer, runId)) {
        LOG.warn("Run {} was deleted while points were waiting for a flush: dropping them", runId);
        buffer.drop(runId);
        dropped = true;
      }
    }
    return dropped;
  }

  @Override
  public Optional<RunRecord> getRun(String runId) {
    return read(c -> RunDao.find(c, runId));
  }

  @Override
  public Page<RunRecord> listRuns(RunQuery query) {
    Objects.requireNonNull(query, "query");
    return read(c -> RunDao.list(c, query));
  }

  @Override
  public Map<String, String> params(String runId) {
    return read(c -> RunDao.params(c, runId));
  }

  @Override
  public List<SeriesSummary> series(String runId) {
    return read(c -> ChunkDao.summaries(c, runId));
  }

  @Override
  public Optional<Series> readSeries(String runId, String tag, int maxPoints) {
    return read(c -> ChunkDao.read(c, runId, tag, maxPoints));
  }

  @Override
  public void readSeries(Collection<String> runIds, String tag, Consumer<Series> each) {
    List<String> ids = List.copyOf(new LinkedHashSet<>(runIds));
    for (int i = 0; i < ids.size(); i += ChunkDao.MAX_IN) {
      List<String> part = ids.subList(i, Math.min(ids.size(), i + ChunkDao.MAX_IN));
      read(
          c -> {
            ChunkDao.readAll(c, part, tag, each);
            return null;
          });
    }
  }

  /** {@inheritDoc} Meant for start-up, before this process starts runs of its own. */
  @Override
  public int failAbandonedRuns(String message) {
    return failAbandonedRuns(message, LEASE);
  }

  /** {@link #failAbandonedRuns(String)} with another lease: runs silent for longer are failed. */
  public int failAbandonedRuns(String message, Duration lease) {
    return write(
        () -> {
          Instant now = now();
          int failed = RunDao.failAbandoned(writer, message, now, now.minus(lease));
          commitDurably();
          if (failed > 0) {
            changed(null);
          }
          return failed;
        });
  }

  @Override
  public List<String> claimQueuedRuns() {
    return claimQueuedRuns(LEASE);
  }

  /** {@link #claimQueuedRuns()} with another lease: runs silent for longer are claimed. */
  public List<String> claimQueuedRuns(Duration lease) {
    return write(
        () -> {
          Instant now = now();
          List<String> claimed = RunDao.claimQueued(writer, now, now.minus(lease));
          commitDurably();
          owned.addAll(claimed);
          claimed.forEach(this::changed);
          return claimed;
        });
  }

  @Override
  public boolean deleteRun(String runId) {
    return write(
        () -> {
          boolean deleted = RunDao.delete(writer, runId);
          commitDurably();
          owned.remove(runId);
          buffer.drop(runId);
          if (deleted) {
            changed(runId);
          }
          return deleted;
        });
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      leases.shutdownNow();
      try {
        flushDirty();
      } catch (SQLException | RuntimeException e) {
        LOG.error("Points not flushed when closing the tracking store at {}", url, e);
      } finally {
        closed = true;
        readers.dispose();
        closeQuietly(writer);
      }
    }
  }

  private RunStatus requireRun(String runId) throws SQLException {
    Objects.requireNonNull(runId, "runId");
    return RunDao.status(writer, runId)
        .orElseThrow(() -> new IllegalArgumentException("Run '" + runId + "' not found"));
  }

  /** Commits, then writes the store file so that a kill -9 cannot lose the commit. */
  private void commitDurably() throws SQLException {
    writer.commit();
    if (!checkpointAfterCommit) {
      return;
    }
    try (Statement checkpoint = writer.createStatement()) {
      checkpoint.execute("CHECKPOINT");
    } catch (SQLException e) {
      if (e.getErrorCode() != ErrorCode.ADMIN_RIGHTS_REQUIRED) {
        throw e;
      }
      checkpointAfterCommit = false;
      LOG.warn(
          "User of {} may not CHECKPOINT: commits reach the disk within H2's write delay", url);
    }
  }

  private Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  /** Strictly increasing creation times (the column holds microseconds) keep newest-first exact. */
  private Instant nextCreatedAt() {
    Instant at = now();
    if (!at.isAfter(lastCreatedAt)) {
      at = lastCreatedAt.plus(1, ChronoUnit.MICROS);
    }
    lastCreatedAt = at;
    return at;
  }

  private <T> T write(Sql.Work<T> work) {
    synchronized (writeLock) {
      ensureOpen();
      try {
        return work.run();
      } catch (SQLException e) {
        rollbackQuietly();
        throw new TrackingStoreException("Tracking store write failed: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        rollbackQuietly();
        throw e;
      }
    }
  }

  @FunctionalInterface
  private interface ReadWork<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T read(ReadWork<T> work) {
    ensureOpen();
    try (Connection c = readers.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new TrackingStoreException("Tracking store read failed: " + e.getMessage(), e);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("The tracking store at " + url + " is closed");
    }
  }

  private void rollbackQuietly() {
    try {
      writer.rollback();
    } catch (SQLException e) {
      LOG.warn("Rollback failed on {}", url, e);
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      LOG.warn("Closing a connection failed", e);
    }
  }
}
