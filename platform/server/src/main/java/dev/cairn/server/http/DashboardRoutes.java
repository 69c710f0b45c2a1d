package dev.cairn.server.http;

import static dev.cairn.server.http.HttpSupport.blocking;

import dev.cairn.core.tracking.Page;
import dev.cairn.core.tracking.RunQuery;
import dev.cairn.core.tracking.RunRecord;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.tracking.SeriesSummary;
import dev.cairn.core.tracking.TrackingStore;
import dev.cairn.core.tracking.media.ChartSeries;
import dev.cairn.core.tracking.media.MediaStore;
import dev.cairn.core.tracking.media.MediaTags;
import dev.cairn.core.tracking.media.RunNotes;
import dev.cairn.server.Platform;
import dev.cairn.server.bus.Addresses;
import dev.cairn.server.json.JsonMapping;
import dev.cairn.server.json.JsonWriter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The dashboard's routes (documented in docs/api.md): the runs table with params, final metrics,
 * tags and notes; the tags of a set of runs; chart data of one tag for many runs with smoothing
 * computed on the full series; full-resolution CSV / JSON export; and the web UI itself, served
 * from {@code webroot/} on the class path (the tracker-ui jar). Every store read runs on a worker.
 */
public final class DashboardRoutes {
  private final Vertx vertx;
  private final Platform platform;

  private static final Map<Platform, RunIndex> INDEXES = new WeakHashMap<>();
  private final RunIndex index;

  /** How long the runs a flush names wait before the index reads them again. */
  static final long EAGER_UPDATE_MILLIS = 1000;

  private final AtomicBoolean updateScheduled = new AtomicBoolean();

  private final ChartCache chartCache = new ChartCache();

  private DashboardRoutes(Vertx vertx, Platform platform) {
    this.vertx = vertx;
    this.platform = platform;
    synchronized (INDEXES) {
      RunIndex existing = INDEXES.get(platform);
      this.index = existing != null ? existing : new RunIndex(platform.store(), platform.media());
      if (existing == null) {
        INDEXES.put(platform, index);
        // read every run's summary once at start, on the index's thread: the first Runs view need
        // not wait for it
        index.inBackground(index::refresh, "reading the runs' summaries for the dashboard");
      }
    }
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            Addresses.FLUSHED,
            msg -> {
              JsonArray ids = msg.body().getJsonArray("runIds");
              if (ids != null) {
                index.touched(ids.stream().map(String::valueOf).toList());
                // read those runs again soon, so that the next query finds them done: at most once
                // a second, however often the writer flushes (a run's summary reads every chunk
                // header of the run, so one read per flush made ingest slower as runs grew); a
                // query in between reads what it needs itself (RunIndex.refresh)
                if (updateScheduled.compareAndSet(false, true)) {
                  vertx.setTimer(
                      EAGER_UPDATE_MILLIS,
                      t ->
                          vertx.executeBlocking(
                              () -> {
                                updateScheduled.set(false);
                                index.update();
                                return null;
                              },
                              false));
                }
              }
            });
    // changes the store cannot tell of (another process on a shared database): a full listing
    // every RunIndex.RELIST_MILLIS, in the background
    vertx.setPeriodic(
        1000,
        id -> {
          if (index.relistDue()) {
            index.inBackground(() -> index.relist(true), "listing the runs for the dashboard");
          }
        });
  }

  /** Adds the dashboard's API routes; call before the API's catch-all 404. */
  public static void mount(Router router, Vertx vertx, Platform platform) {
    DashboardRoutes routes = new DashboardRoutes(vertx, platform);
    router.get("/api/dashboard/runs").handler(routes::runs);
    router.get("/api/dashboard/runs/export").handler(routes::exportRuns);
    router.get("/api/dashboard/export").handler(routes::exportSelected);
    router.get("/api/dashboard/tags").handler(routes::tags);
    router.get("/api/dashboard/scalars").handler(routes::scalars);
    router.get("/api/dashboard/scalars/export").handler(routes::export);
    router.put("/api/runs/:id/notes").handler(routes::putNotes);
    MediaRoutes.mount(router, vertx, platform);
    LiveEvents.mount(router, vertx);
  }

  /** Serves the web UI at {@code /}; call after the API routes. */
  public static void mountStatic(Router router) {
    router
        .route("/*")
        .handler(
            StaticHandler.create("webroot").setCachingEnabled(false).setIndexPage("index.html"));
  }

  private TrackingStore store() {
    return platform.store();
  }

  private MediaStore media() {
    return platform.media();
  }

  private void runs(RoutingContext ctx) {
    int limit = HttpSupport.intParam(ctx, "limit", 50, 1, 1000);
    RunStatus status = statusParam(ctx);
    String experiment = ctx.queryParams().get("experiment");
    String token = ctx.queryParams().get("pageToken");
    if (token != null && !token.isBlank() && !token.startsWith("o:")) {
      legacyRuns(ctx, limit, status, experiment, token);
      return;
    }
    int offset;
    try {
      offset =
          token == null || token.isBlank()
              ? HttpSupport.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE)
              : Integer.parseInt(token.substring(2));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "query parameter 'pageToken': '" + token + "' is not a token this route gave");
    }
    String idsRaw = ctx.queryParams().get("ids");
    Set<String> ids = idsRaw == null ? null : new HashSet<>(HttpSupport.runIds(ctx, "ids"));
    Predicate<RunFilter.Subject> filter = filterParam(ctx, status, experiment);
    String sort = sortParam(ctx);
    blocking(
        vertx,
        ctx,
        () -> {
          if (ids != null) {
            List<RunIndex.Entry> found = index.byIds(ids);
            JsonWriter w = rows(found);
            return w.field("nextPageToken").nullValue().endObject().toBuffer();
          }
          RunIndex.Result r = index.query(filter, sort, offset, limit);
          int next = r.offset() + r.page().size();
          JsonWriter w = rows(r.page());
          w.field("matching").number(r.matching());
          w.field("total").number(r.total());
          w.field("offset").number(r.offset());
          w.field("nextPageToken");
          if (next < r.matching()) {
            w.string("o:" + next);
          } else {
            w.nullValue();
          }
          return w.endObject().toBuffer();
        });
  }

  /** An open answer object with its {@code runs} array: each row as the index encoded it. */
  private static JsonWriter rows(List<RunIndex.Entry> entries) {
    int size = 64;
    for (RunIndex.Entry e : entries) {
      size += e.json().length() + 1;
    }
    JsonWriter w = JsonWriter.create(size + size / 8);
    w.startObject().field("runs").startArray();
    entries.forEach(e -> w.encoded(e.json()));
    return w.endArray();
  }

  private static JsonArray rowArray(List<RunIndex.Entry> entries) {
    JsonArray out = new JsonArray();
    entries.forEach(e -> out.add(e.row().copy()));
    return out;
  }

  private static RunStatus statusParam(RoutingContext ctx) {
    String statusRaw = ctx.queryParams().get("status");
    try {
      return statusRaw == null || statusRaw.isBlank()
          ? null
          : RunStatus.valueOf(statusRaw.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "query parameter 'status': '"
              + statusRaw
              + "' is not allowed; one of: "
              + Arrays.toString(RunStatus.values()));
    }
  }

  /**
   * {@code q} (the dashboard's filter language), {@code owner}, {@code status}, {@code experiment}.
   */
  private static Predicate<RunFilter.Subject> filterParam(
      RoutingContext ctx, RunStatus status, String experiment) {
    String q = ctx.queryParams().get("q");
    if (q != null && q.length() > 2000) {
      throw ApiException.badRequest("query parameter 'q' is longer than 2000 characters");
    }
    Predicate<RunFilter.Subject> f;
    try {
      f = RunFilter.parse(q);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("query parameter 'q': " + e.getMessage());
    }
    String owner = ctx.queryParams().get("owner");
    if (owner != null && !owner.isBlank()) {
      f = f.and(s -> owner.equals(s.field("owner")));
    }
    if (status != null) {
      f = f.and(s -> status.name().equals(s.field("status")));
    }
    if (experiment != null && !experiment.isBlank()) {
      f = f.and(s -> experiment.equals(s.field("experiment")));
    }
    return f;
  }

  private static final Pattern SORT =
      Pattern.compile(
          "-?(name|experiment|owner|status|createdAt|duration|device|(param|metric):.{1,200}|[A-Za-z0-9_./-]{1,200})");

  private static String sortParam(RoutingContext ctx) {
    String sort = ctx.queryParams().get("sort");
    if (sort == null || sort.isBlank()) {
      return "-createdAt";
    }
    if (!SORT.matcher(sort).matches()) {
      throw ApiException.badRequest(
          "query parameter 'sort': '"
              + sort
              + "' is not allowed; use name, experiment, owner, status, "
              + "createdAt, duration, device, param:KEY or metric:TAG, with '-' in front for descending");
    }
    return sort;
  }

  private void legacyRuns(
      RoutingContext ctx, int limit, RunStatus status, String experiment, String token) {
    blocking(
        vertx,
        ctx,
        () -> {
          var page = listRuns(new RunQuery(experiment, status, limit, token));
          List<String> ids = page.items().stream().map(RunRecord::id).toList();
          Map<String, RunNotes> notes = media().notes(ids);
          // on this worker, one run after another: a parallel stream would put JDBC on the common
          // pool
          List<JsonObject> rows =
              page.items().stream()
                  .map(
                      r -> {
                        RunNotes n = notes.getOrDefault(r.id(), RunNotes.EMPTY);
                        return JsonMapping.toJson(r)
                            .put(
                                "params",
                                new JsonObject(new LinkedHashMap<>(store().params(r.id()))))
                            .put("metrics", JsonMapping.lastValues(store().series(r.id())))
                            .put("tags", new JsonArray(new ArrayList<>(n.tags())))
                            .put("notes", n.notes());
                      })
                  .toList();
          JsonArray runs = new JsonArray(new ArrayList<>(rows));
          return new JsonObject().put("runs", runs).put("nextPageToken", page.nextPageToken());
        });
  }

  private Page<RunRecord> listRuns(RunQuery query) {
    try {
      return store().listRuns(query);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private void tags(RoutingContext ctx) {
    List<String> ids = HttpSupport.runIds(ctx);
    blocking(
        vertx,
        ctx,
        () -> {
          Map<String, JsonArray> scalars = new TreeMap<>();
          Map<String, JsonArray> images = new TreeMap<>();
          Map<String, JsonArray> histograms = new TreeMap<>();
          Map<String, JsonArray> texts = new TreeMap<>();
          JsonArray graphs = new JsonArray();
          JsonArray missing = new JsonArray();
          // the scalar tags from the runs' summaries in memory; media tags in one database read
          Map<String, RunIndex.Entry> known = new HashMap<>();
          index.byIds(new HashSet<>(ids)).forEach(e -> known.put(e.run().id(), e));
          Map<String, MediaTags> media = media().tags(ids.stream().distinct().toList());
          for (String id : ids) {
            RunIndex.Entry entry = known.get(id);
            List<String> seriesTags;
            if (entry != null) {
              seriesTags = new ArrayList<>(new TreeSet<>(entry.metrics().keySet()));
            } else {
              // not in the summaries yet (another process created it a moment ago): ask the store
              seriesTags = store().series(id).stream().map(SeriesSummary::tag).toList();
              if (seriesTags.isEmpty() && store().getRun(id).isEmpty()) {
                missing.add(id);
                continue;
              }
            }
            MediaTags m = media.get(id);
            seriesTags.forEach(t -> scalars.computeIfAbsent(t, k -> new JsonArray()).add(id));
            m.images().forEach(t -> images.computeIfAbsent(t, k -> new JsonArray()).add(id));
            m.histograms()
                .forEach(t -> histograms.computeIfAbsent(t, k -> new JsonArray()).add(id));
            m.texts().forEach(t -> texts.computeIfAbsent(t, k -> new JsonArray()).add(id));
            if (m.graph()) {
              graphs.add(id);
            }
          }
          return new JsonObject()
              .put("scalars", new JsonObject(new LinkedHashMap<>(scalars)))
              .put("images", new JsonObject(new LinkedHashMap<>(images)))
              .put("histograms", new JsonObject(new LinkedHashMap<>(histograms)))
              .put("texts", new JsonObject(new LinkedHashMap<>(texts)))
              .put("graphs", graphs)
              .put("unknownRuns", missing);
        });
  }

  private void scalars(RoutingContext ctx) {
    String tag = HttpSupport.required(ctx, "tag", "?tag=train/loss");
    List<String> ids = HttpSupport.runIds(ctx);
    int maxPoints = HttpSupport.intParam(ctx, "maxPoints", 1000, 0, 1_000_000);
    double smoothing = HttpSupport.smoothing(ctx);
    long from = HttpSupport.longParam(ctx, "fromStep", Long.MIN_VALUE);
    long to = HttpSupport.longParam(ctx, "toStep", Long.MAX_VALUE);
    if (from > to) {
      throw ApiException.badRequest("query parameters 'fromStep' " + from + " > 'toStep' " + to);
    }
    blocking(
        vertx,
        ctx,
        () -> {
          // about 40 bytes a point; past the first 8 MB the buffer grows as it must
          JsonWriter w =
              JsonWriter.create((int) Math.min(8L << 20, 64 + 40L * ids.size() * maxPoints));
          w.startObject().field("tag").string(tag).field("smoothing").plain(smoothing);
          w.field("series").startArray();
          List<String> missing = new ArrayList<>();
          // ended runs' series as encoded before, under the summary they were read with
          Map<String, RunIndex.Entry> summaries = new HashMap<>();
          index.byIds(new HashSet<>(ids)).forEach(e -> summaries.put(e.run().id(), e));
          Map<String, String> encoded = new HashMap<>();
          List<String> toRead = new ArrayList<>();
          for (String id : new LinkedHashSet<>(ids)) {
            RunIndex.Entry summary = summaries.get(id);
            String json =
                summary == null
                    ? null
                    : chartCache.get(summary, tag, maxPoints, smoothing, from, to);
            if (json != null) {
              encoded.put(id, json);
            } else {
              toRead.add(id);
            }
          }
          // one query for the other runs, each run's series smoothed and downsampled as it is read
          Map<String, ChartSeries> all =
              toRead.isEmpty()
                  ? Map.of()
                  : ChartSeries.readAll(store(), toRead, tag, maxPoints, smoothing, from, to);
          for (String id : ids) {
            String json = encoded.get(id);
            if (json == null) {
              ChartSeries s = all.get(id);
              if (s == null) {
                missing.add(id);
                continue;
              }
              RunIndex.Entry summary = summaries.get(id);
              if (summary == null || !summary.run().status().terminal()) {
                // a run still going is not kept: written straight into the answer
                w.startObject();
                seriesFields(w, s, false);
                w.endObject();
                continue;
              }
              JsonWriter one = JsonWriter.create(64 + 40 * s.size());
              one.startObject();
              seriesFields(one, s, false);
              json = one.endObject().toBuffer().toString();
              encoded.put(id, json);
              chartCache.put(summary, tag, maxPoints, smoothing, from, to, json);
            }
            w.encoded(json);
          }
          w.endArray().field("missing").startArray();
          missing.forEach(w::string);
          return w.endArray().endObject().toBuffer();
        });
  }

  /**
   * A chart series' fields; charts get values to float precision (far finer than a pixel, half the
   * bytes), exports every digit.
   */
  static void seriesFields(JsonWriter w, ChartSeries s, boolean everyDigit) {
    w.field("runId").string(s.runId());
    w.field("totalPoints").number(s.totalPoints());
    w.field("windowPoints").number(s.windowPoints());
    w.field("downsampled").bool(s.downsampled());
    w.field("steps").numbers(s.steps(), s.size());
    w.field("wallTimes").numbers(s.wallTimes(), s.size());
    w.field("values").numbers(s.values(), s.size(), everyDigit);
    w.field("smoothed").numbers(s.smoothed(), s.size(), everyDigit);
  }

  private void export(RoutingContext ctx) {
    String tag = HttpSupport.required(ctx, "tag", "?tag=train/loss");
    List<String> ids = HttpSupport.runIds(ctx);
    double smoothing = HttpSupport.smoothing(ctx);
    String format = HttpSupport.format(ctx);
    vertx
        .executeBlocking(
            () -> {
              List<ChartSeries> series = new ArrayList<>();
              Map<String, String> names = new LinkedHashMap<>();
              for (String id : ids) {
                ChartSeries.read(store(), id, tag, 0, smoothing, Long.MIN_VALUE, Long.MAX_VALUE)
                    .ifPresent(
                        s -> {
                          series.add(s);
                          names.put(id, store().getRun(id).map(RunRecord::name).orElse(id));
                        });
              }
              if (series.isEmpty()) {
                throw ApiException.notFound(
                    "none of the runs " + ids + " has a series '" + tag + "'");
              }
              if (format.equals("json")) {
                JsonWriter w = JsonWriter.create(4096);
                w.startObject().field("tag").string(tag).field("smoothing").plain(smoothing);
                w.field("series").startArray();
                for (ChartSeries s : series) {
                  w.startObject().field("runName").string(names.get(s.runId()));
                  seriesFields(w, s, true);
                  w.endObject();
                }
                return w.endArray().endObject().toBuffer();
              }
              StringBuilder sb =
                  new StringBuilder("run_id,run_name,step,wall_time,value,smoothed\n");
              for (ChartSeries s : series) {
                String name = csv(names.get(s.runId()));
                for (int i = 0; i < s.size(); i++) {
                  sb.append(s.runId())
                      .append(',')
                      .append(name)
                      .append(',')
                      .append(s.steps()[i])
                      .append(',')
                      .append(Instant.ofEpochMilli(s.wallTimes()[i]))
                      .append(',');
                  csvNumber(sb, s.values()[i]);
                  sb.append(',');
                  csvNumber(sb, s.smoothed()[i]);
                  sb.append('\n');
                }
              }
              return Buffer.buffer(sb.toString());
            },
            false)
        .onSuccess(
            body ->
                attachment(
                    ctx, tag.replaceAll("[^A-Za-z0-9._-]+", "_") + "." + format, format, body))
        .onFailure(ctx::fail);
  }

  /** The runs table (every run the filter matches, in the table's order) as CSV or JSON. */
  private void exportRuns(RoutingContext ctx) {
    String format = HttpSupport.format(ctx);
    Predicate<RunFilter.Subject> filter =
        filterParam(ctx, statusParam(ctx), ctx.queryParams().get("experiment"));
    String sort = sortParam(ctx);
    vertx
        .executeBlocking(
            () -> {
              List<RunIndex.Entry> runs = index.query(filter, sort, 0, Integer.MAX_VALUE).page();
              if (format.equals("json")) {
                return rowArray(runs).toBuffer();
              }
              TreeSet<String> params = new TreeSet<>();
              TreeSet<String> metrics = new TreeSet<>();
              runs.forEach(
                  e -> {
                    params.addAll(e.params().keySet());
                    metrics.addAll(e.metrics().keySet());
                  });
              StringBuilder sb =
                  new StringBuilder(
                      "run_id,name,experiment,owner,status,created_at,duration_s,device,tags,notes");
              params.forEach(p -> sb.append(',').append(csv("param:" + p)));
              metrics.forEach(m -> sb.append(',').append(csv("metric:" + m)));
              sb.append('\n');
              for (RunIndex.Entry e : runs) {
                RunRecord r = e.run();
                Object dur = e.row().getValue("durationSeconds");
                sb.append(r.id())
                    .append(',')
                    .append(csv(r.name()))
                    .append(',')
                    .append(csv(r.experiment()))
                    .append(',')
                    .append(csv(r.owner()))
                    .append(',')
                    .append(r.status())
                    .append(',')
                    .append(r.createdAt())
                    .append(',')
                    .append(dur == null ? "" : dur)
                    .append(',')
                    .append(csv(r.device()))
                    .append(',')
                    .append(csv(String.join(";", e.tags())))
                    .append(',')
                    .append(csv(e.notes()));
                params.forEach(p -> sb.append(',').append(csv(e.params().getOrDefault(p, ""))));
                metrics.forEach(
                    m -> {
                      sb.append(',');
                      Double v = e.metrics().get(m);
                      if (v != null) {
                        csvNumber(sb, v);
                      }
                    });
                sb.append('\n');
              }
              return Buffer.buffer(sb.toString());
            },
            false)
        .onSuccess(body -> attachment(ctx, "runs." + format, format, body))
        .onFailure(ctx::fail);
  }

  /**
   * The selected runs in full: params, final metrics and every point of every series. CSV has one
   * row per value: {@code run_id,run_name,kind,key,step,wall_time,value} with kind {@code param},
   * {@code final} or {@code point}.
   */
  private void exportSelected(RoutingContext ctx) {
    List<String> ids = HttpSupport.runIds(ctx);
    String format = HttpSupport.format(ctx);
    vertx
        .executeBlocking(
            () -> {
              List<RunIndex.Entry> runs = index.byIds(new HashSet<>(ids));
              if (runs.isEmpty()) {
                throw ApiException.notFound("none of the runs " + ids + " exists");
              }
              if (format.equals("json")) {
                JsonWriter w = JsonWriter.create(4096);
                w.startObject().field("runs").startArray();
                for (RunIndex.Entry e : runs) {
                  w.startObject().fields(e.row().getMap()).field("series").startObject();
                  String id = e.run().id();
                  for (SeriesSummary summary : store().series(id)) {
                    var series = store().readSeries(id, summary.tag(), 0);
                    if (series.isPresent()) {
                      var s = series.get();
                      w.field(s.tag()).startObject();
                      w.field("steps").numbers(s.steps(), s.size());
                      w.field("wallTimes").numbers(s.wallTimes(), s.size());
                      w.field("values").numbers(s.values(), s.size(), true);
                      w.endObject();
                    }
                  }
                  w.endObject().endObject();
                }
                return w.endArray().endObject().toBuffer();
              }
              StringBuilder sb =
                  new StringBuilder("run_id,run_name,kind,key,step,wall_time,value\n");
              for (RunIndex.Entry e : runs) {
                String id = e.run().id();
                String name = csv(e.run().name());
                new TreeMap<>(e.params())
                    .forEach(
                        (k, v) ->
                            sb.append(id)
                                .append(',')
                                .append(name)
                                .append(",param,")
                                .append(csv(k))
                                .append(",,,")
                                .append(csv(v))
                                .append('\n'));
                new TreeMap<>(e.metrics())
                    .forEach(
                        (k, v) -> {
                          sb.append(id)
                              .append(',')
                              .append(name)
                              .append(",final,")
                              .append(csv(k))
                              .append(",,,");
                          if (v != null) {
                            csvNumber(sb, v);
                          }
                          sb.append('\n');
                        });
                for (SeriesSummary summary : store().series(id)) {
                  var series = store().readSeries(id, summary.tag(), 0);
                  if (series.isEmpty()) {
                    continue;
                  }
                  var s = series.get();
                  String tag = csv(s.tag());
                  for (int i = 0; i < s.size(); i++) {
                    sb.append(id)
                        .append(',')
                        .append(name)
                        .append(",point,")
                        .append(tag)
                        .append(',')
                        .append(s.steps()[i])
                        .append(',')
                        .append(Instant.ofEpochMilli(s.wallTimes()[i]))
                        .append(',');
                    csvNumber(sb, s.values()[i]);
                    sb.append('\n');
                  }
                }
              }
              return Buffer.buffer(sb.toString());
            },
            false)
        .onSuccess(body -> attachment(ctx, "runs-" + runs(ids) + "." + format, format, body))
        .onFailure(ctx::fail);
  }

  private static String runs(List<String> ids) {
    return ids.size() == 1 ? ids.get(0) : ids.size() + "";
  }

  private static void attachment(RoutingContext ctx, String file, String format, Buffer body) {
    ctx.response()
        .putHeader(
            "Content-Type",
            format.equals("csv") ? "text/csv; charset=utf-8" : "application/json; charset=utf-8")
        .putHeader("Content-Disposition", "attachment; filename=\"" + file + "\"")
        .end(body);
  }

  private static String csv(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  private static void csvNumber(StringBuilder sb, double v) {
    if (Double.isFinite(v)) {
      sb.append(v);
    } else {
      sb.append(Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
    }
  }

  private void putNotes(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw ApiException.badRequest("body is not a JSON object: " + e.getMessage());
    }
    if (body == null) {
      throw ApiException.badRequest(
          "body must be a JSON object {\"tags\": [...], \"notes\": \"...\"}");
    }
    RunNotes notes;
    try {
      JsonArray tags = body.getValue("tags") == null ? new JsonArray() : body.getJsonArray("tags");
      List<String> list = new ArrayList<>();
      for (Object t : tags) {
        if (!(t instanceof String s)) {
          throw new IllegalArgumentException("'tags' must be an array of strings");
        }
        list.add(s.trim());
      }
      notes = new RunNotes(list, body.getValue("notes") == null ? "" : body.getString("notes"));
    } catch (ClassCastException e) {
      throw ApiException.badRequest("'tags' must be an array of strings and 'notes' a string");
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    RunNotes n = notes;
    blocking(
        vertx,
        ctx,
        () -> {
          if (!media().setNotes(id, n)) {
            throw ApiException.notFound("no run with id '" + id + "'");
          }
          index.touched(List.of(id));
          return new JsonObject()
              .put("runId", id)
              .put("tags", new JsonArray(new ArrayList<>(n.tags())))
              .put("notes", n.notes());
        });
  }
}
