package dev.cairn.server.http;

import dev.cairn.core.tracking.Page;
import dev.cairn.core.tracking.RunQuery;
import dev.cairn.core.tracking.RunRecord;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.tracking.SeriesSummary;
import dev.cairn.core.tracking.TrackingStore;
import dev.cairn.core.tracking.media.MediaStore;
import dev.cairn.core.tracking.media.RunNotes;
import dev.cairn.server.json.JsonMapping;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * The summaries the runs list is filtered, sorted and paged over on the server: per run its record,
 * params, final metrics (last value of each series), tags and notes, kept in memory. A query works
 * on memory alone: only runs named by a change are read again before it, one by one (the store
 * tells of created, started, ended, deleted runs and logged params; the store writer's flushes and
 * notes edits name runs with new data). Changes this process cannot see (another process on a
 * shared database) arrive with a full listing every {@link #RELIST_MILLIS} ms, made in the
 * background by {@link #relist(boolean)} without holding queries up. Every method blocks (JDBC):
 * call it on a worker.
 */
final class RunIndex {
  static final long RELIST_MILLIS = 10_000;

  /**
   * One run's summary, with its row for the dashboard already built and encoded: a page of the runs
   * table is written from {@code json} without encoding a row again.
   */
  record Entry(
      RunRecord run,
      Map<String, String> params,
      Map<String, Double> metrics,
      List<String> tags,
      String notes,
      JsonObject row,
      String json,
      Map<String, Double> paramNumbers)
      implements RunFilter.Subject {
    /** Params' values as numbers, parsed once: a filter compares 10,000 runs per keystroke. */
    @Override
    public double numberOf(String value) {
      Double n = paramNumbers.get(value);
      return n != null ? n : RunFilter.number(value);
    }

    @Override
    public Object field(String key) {
      return switch (key) {
        case "name" -> run.name();
        case "experiment" -> run.experiment();
        case "status" -> run.status().name();
        case "device" -> run.device();
        case "id" -> run.id();
        case "duration" ->
            row.getValue("durationSeconds") instanceof Number n ? (Object) n.doubleValue() : null;
        case "tags" -> String.join(",", tags);
        case "notes" -> notes;
        case "seed" -> (double) run.seed();
        case "owner" -> run.owner();
        case "createdAt" -> (double) run.createdAt().toEpochMilli();
        default -> null;
      };
    }

    @Override
    public List<String> text() {
      List<String> t =
          new ArrayList<>(
              List.of(run.name(), run.experiment(), run.id(), run.status().name(), run.owner()));
      t.addAll(tags);
      return t;
    }
  }

  /** A page of matching runs and how many match in all. */
  record Result(List<Entry> page, int matching, int total, int offset) {}

  private final TrackingStore store;
  private final MediaStore media;

  /**
   * Where the full listings run (the first, which reads every run's summary and takes seconds to a
   * minute for 10,000 runs, and the background ones): a thread of their own, one listing at a time,
   * so that they hold none of Vert.x's worker threads the requests need and trip no blocked-thread
   * warning. The thread ends when idle.
   */
  private final ThreadPoolExecutor lister =
      new ThreadPoolExecutor(
          0,
          1,
          30,
          TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(),
          r -> {
            Thread t = new Thread(r, "cairn-runs-index");
            t.setDaemon(true);
            return t;
          });

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private volatile List<String> order = List.of();
  private volatile boolean listed;
  private volatile boolean relistNeeded;
  private volatile long listedAt;
  private volatile boolean listing;

  /** Ids {@link #update()} read again while a listing was under way: newer than that listing. */
  private Set<String> changedDuringList;

  private final Object listLock = new Object();

  RunIndex(TrackingStore store, MediaStore media) {
    this.store = store;
    this.media = media;
    store.onRunChanged(this::changed);
  }

  /** These runs have new data or notes: read them again at the next query. */
  void touched(Iterable<String> runIds) {
    runIds.forEach(dirty::add);
  }

  /** The store changed this run (null: some runs, which is unknown). */
  private void changed(String runId) {
    if (runId == null) {
      relistNeeded = true;
    } else {
      dirty.add(runId);
    }
  }

  /**
   * Runs {@code listing} (a {@link #refresh} or {@link #relist}) on the index's own thread, after
   * any listing queued before it; a failure is logged as {@code what} failed.
   */
  void inBackground(Runnable listing, String what) {
    lister.execute(
        () -> {
          try {
            listing.run();
          } catch (RuntimeException e) {
            LoggerFactory.getLogger(RunIndex.class).warn("{} failed: {}", what, e.toString());
          }
        });
  }

  /** Whether a background listing is due (see {@link #relist(boolean)}). */
  boolean relistDue() {
    return !listing && (relistNeeded || System.currentTimeMillis() - listedAt >= RELIST_MILLIS);
  }

  /**
   * Brings the summaries up to date for a query: the first time (or after a change the store could
   * not name) by listing every run; otherwise by reading again only the runs named since.
   */
  void refresh() {
    if (!listed || relistNeeded) {
      relist(false);
    }
    update();
  }

  /** Reads again the runs named by changes since the last call, one by one. */
  synchronized void update() {
    if (dirty.isEmpty()) {
      return;
    }
    Set<String> ids = new HashSet<>(dirty);
    dirty.removeAll(ids);
    Map<String, RunNotes> notes = media.notes(List.copyOf(ids));
    List<String> next = new ArrayList<>(order);
    boolean added = false;
    for (String id : ids) {
      Optional<RunRecord> r = store.getRun(id);
      if (r.isEmpty()) {
        entries.remove(id);
        next.remove(id);
      } else if (entries.put(id, load(r.get(), notes.getOrDefault(id, RunNotes.EMPTY))) == null) {
        next.add(id);
        added = true;
      }
      if (changedDuringList != null) {
        changedDuringList.add(id);
      }
    }
    if (added) {
      sortNewestFirst(next);
    }
    order = List.copyOf(next);
  }

  /** The listing's order: newest first, then id descending. */
  private void sortNewestFirst(List<String> ids) {
    Comparator<String> byCreated =
        Comparator.comparing(
            id -> {
              Entry e = entries.get(id);
              return e == null ? Instant.MIN : e.run().createdAt();
            });
    ids.sort(byCreated.thenComparing(Comparator.naturalOrder()).reversed());
  }

  /**
   * Lists every run record and reads again the runs that are new, running, or whose name, status,
   * end or message changed; queries go on meanwhile and wait only for the final swap. One at a
   * time; {@code whenDue}: only when {@link #relistDue()}, else only when needed (never listed, or
   * a change the store could not name).
   */
  void relist(boolean whenDue) {
    synchronized (listLock) {
      boolean due = relistNeeded || System.currentTimeMillis() - listedAt >= RELIST_MILLIS;
      if (listed && !relistNeeded && !(whenDue && due)) {
        return;
      }
      listing = true;
      relistNeeded = false;
      synchronized (this) {
        changedDuringList = new HashSet<>();
      }
      try {
        List<RunRecord> records = new ArrayList<>();
        String token = null;
        do {
          Page<RunRecord> page = store.listRuns(new RunQuery(null, null, 1000, token));
          records.addAll(page.items());
          token = page.nextPageToken();
        } while (token != null);
        List<RunRecord> stale =
            records.stream()
                .filter(
                    r -> {
                      Entry e = entries.get(r.id());
                      return e == null
                          || r.status() == RunStatus.RUNNING
                          || r.status() != e.run().status()
                          || !Objects.equals(r.endedAt(), e.run().endedAt())
                          || !Objects.equals(r.message(), e.run().message())
                          || !Objects.equals(r.name(), e.run().name());
                    })
                .toList();
        Map<String, Entry> loaded = new ConcurrentHashMap<>();
        if (!stale.isEmpty()) {
          Map<String, RunNotes> notes = media.notes(stale.stream().map(RunRecord::id).toList());
          // on this thread, one after another: no JDBC on the common fork-join pool
          stale.forEach(
              r -> loaded.put(r.id(), load(r, notes.getOrDefault(r.id(), RunNotes.EMPTY))));
        }
        synchronized (this) {
          Set<String> newer = changedDuringList;
          loaded.forEach(
              (id, e) -> {
                if (!newer.contains(id)) {
                  entries.put(id, e);
                }
              });
          List<String> next = new ArrayList<>();
          Set<String> ids = new HashSet<>();
          for (RunRecord r : records) {
            // a run read again since the listing began knows better whether it still exists
            if (!newer.contains(r.id()) || entries.containsKey(r.id())) {
              next.add(r.id());
              ids.add(r.id());
            }
          }
          for (String id : newer) {
            if (entries.containsKey(id) && ids.add(id)) {
              next.add(id);
            }
          }
          entries.keySet().retainAll(ids);
          sortNewestFirst(next);
          order = List.copyOf(next);
          listed = true;
          listedAt = System.currentTimeMillis();
        }
      } finally {
        synchronized (this) {
          changedDuringList = null;
        }
        listing = false;
      }
    }
  }

  private Entry load(RunRecord r, RunNotes n) {
    Map<String, String> params = store.params(r.id());
    List<SeriesSummary> series = store.series(r.id());
    Map<String, Double> metrics = new HashMap<>();
    series.forEach(
        s -> metrics.put(s.tag(), Double.isFinite(s.lastValue()) ? s.lastValue() : null));
    List<String> tags = List.copyOf(n.tags());
    JsonObject row =
        JsonMapping.toJson(r)
            .put("params", new JsonObject(new LinkedHashMap<>(params)))
            .put("metrics", JsonMapping.lastValues(series))
            .put("tags", new JsonArray(new ArrayList<>(tags)))
            .put("notes", n.notes());
    row.remove("provenance");
    Map<String, Double> numbers = new HashMap<>();
    params.values().stream()
        .filter(Objects::nonNull)
        .forEach(v -> numbers.putIfAbsent(v, RunFilter.number(v)));
    return new Entry(r, params, metrics, tags, n.notes(), row, row.encode(), Map.copyOf(numbers));
  }

  /** The runs with these ids (those that exist), newest first. */
  List<Entry> byIds(Set<String> ids) {
    refresh();
    return order.stream().filter(ids::contains).map(entries::get).filter(Objects::nonNull).toList();
  }

  /**
   * Matching runs sorted by {@code sort} ({@code -} prefix for descending; runs without a value
   * last either way), {@code limit} of them from {@code offset}.
   */
  Result query(Predicate<RunFilter.Subject> filter, String sort, int offset, int limit) {
    refresh();
    List<Entry> all = order.stream().map(entries::get).filter(Objects::nonNull).toList();
    List<Entry> matching = all.stream().filter(filter).toList();
    boolean desc = sort.startsWith("-");
    String key = desc ? sort.substring(1) : sort;
    if (!key.isEmpty() && !(key.equals("createdAt") && desc)) {
      Map<Entry, Object> values = new HashMap<>();
      matching.forEach(e -> values.put(e, RunFilter.sortValue(e, key)));
      Comparator<Entry> byValue =
          (a, b) -> {
            Object va = values.get(a);
            Object vb = values.get(b);
            if (va == null || vb == null) {
              return va == null && vb == null ? 0 : va == null ? 1 : -1;
            }
            int c =
                va instanceof Double da && vb instanceof Double db
                    ? Double.compare(da, db)
                    : va.toString().compareToIgnoreCase(vb.toString());
            return desc ? -c : c;
          };
      matching = matching.stream().sorted(byValue).toList();
    }
    int from = Math.min(offset, matching.size());
    int to = Math.min(matching.size(), from + limit);
    return new Result(matching.subList(from, to), matching.size(), all.size(), from);
  }
}
