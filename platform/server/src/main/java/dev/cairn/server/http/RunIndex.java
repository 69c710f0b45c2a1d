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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The summaries the runs list is filtered, sorted and paged over on the server: per run its record,
 * params, final metrics (last value of each series), tags and notes, kept in memory and refreshed
 * incrementally: the run records are listed again at most once a second, and only runs that are
 * new, changed status, are running, or were named by a store flush or a notes edit are read again.
 * Every method blocks (JDBC): call it on a worker.
 */
final class RunIndex {
  static final long REFRESH_MILLIS = 1000;

  /** One run's summary, with its row for the dashboard already built. */
  record Entry(
      RunRecord run,
      Map<String, String> params,
      Map<String, Double> metrics,
      List<String> tags,
      String notes,
      JsonObject row)
      implements RunFilter.Subject {
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
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private volatile List<String> order = List.of();
  private long refreshedAt;

  RunIndex(TrackingStore store, MediaStore media) {
    this.store = store;
    this.media = media;
  }

  /** These runs have new data or notes: read them again at the next query. */
  void touched(Iterable<String> runIds) {
    runIds.forEach(dirty::add);
  }

  /** Brings the summaries up to date, at most once a second unless runs were touched. */
  synchronized void refresh() {
    long now = System.currentTimeMillis();
    if (now - refreshedAt < REFRESH_MILLIS && dirty.isEmpty()) {
      return;
    }
    refreshedAt = now;
    List<RunRecord> records = new ArrayList<>();
    String token = null;
    do {
      Page<RunRecord> page = store.listRuns(new RunQuery(null, null, 1000, token));
      records.addAll(page.items());
      token = page.nextPageToken();
    } while (token != null);
    Set<String> touched = new HashSet<>(dirty);
    dirty.removeAll(touched);
    List<RunRecord> stale =
        records.stream()
            .filter(
                r -> {
                  Entry e = entries.get(r.id());
                  return e == null
                      || touched.contains(r.id())
                      || r.status() == RunStatus.RUNNING
                      || r.status() != e.run().status()
                      || !Objects.equals(r.endedAt(), e.run().endedAt())
                      || !Objects.equals(r.message(), e.run().message());
                })
            .toList();
    if (!stale.isEmpty()) {
      Map<String, RunNotes> notes = media.notes(stale.stream().map(RunRecord::id).toList());
      stale.parallelStream()
          .forEach(r -> entries.put(r.id(), load(r, notes.getOrDefault(r.id(), RunNotes.EMPTY))));
    }
    Set<String> ids = new HashSet<>();
    records.forEach(r -> ids.add(r.id()));
    entries.keySet().retainAll(ids);
    order = records.stream().map(RunRecord::id).toList();
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
    return new Entry(r, params, metrics, tags, n.notes(), row);
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
