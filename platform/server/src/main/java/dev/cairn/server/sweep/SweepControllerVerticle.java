package dev.cairn.server.sweep;

import dev.cairn.core.Provenance;
import dev.cairn.core.security.SecurityStore;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.spec.SpecResolver;
import dev.cairn.core.sweep.SweepRecord;
import dev.cairn.core.sweep.SweepSpec;
import dev.cairn.core.sweep.SweepSpecParser;
import dev.cairn.core.sweep.SweepStatus;
import dev.cairn.core.sweep.SweepStore;
import dev.cairn.core.sweep.SweepValidator;
import dev.cairn.core.sweep.TrialHistory;
import dev.cairn.core.sweep.TrialRecord;
import dev.cairn.core.sweep.TrialSpecs;
import dev.cairn.core.sweep.TrialState;
import dev.cairn.core.sweep.ValueKeys;
import dev.cairn.core.tracking.NewRun;
import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.Series;
import dev.cairn.core.training.TorchThreads;
import dev.cairn.server.Platform;
import dev.cairn.server.bus.Addresses;
import dev.cairn.server.bus.MetricBatch;
import dev.cairn.server.json.JsonMapping;
import dev.cairn.spi.SpecException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweep controller, one per head: it samples trials, creates their runs, hands them to free
 * training nodes, feeds the pruner from the metrics they stream back (and forwards those to the one
 * store writer), re-queues the trials of a node that goes silent, and resumes RUNNING sweeps after
 * a restart. Its state lives on its event loop; every database call runs on an ordered worker
 * ({@code executeBlocking}), never on the loop.
 */
public final class SweepControllerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SweepControllerVerticle.class);
  static final int MAX_ATTEMPTS = 5;
  static final long CHECK_MILLIS = 500;

  /**
   * @param workerTimeoutMillis silence after which a training node counts as lost (its trials are
   *     re-queued)
   * @param resumeAll resume every RUNNING sweep at start (the server); the {@code sweep} command
   *     resumes only the sweep it runs
   */
  public record Settings(long workerTimeoutMillis, boolean resumeAll) {
    public static final long DEFAULT_WORKER_TIMEOUT_MILLIS = 10_000;
  }

  private final Platform platform;
  private final SpecResolver resolver;
  private final Settings settings;
  private final Map<String, ActiveSweep> active = new LinkedHashMap<>();
  private final Map<String, ActiveSweep.Trial> byRun = new HashMap<>();
  private final Map<String, ActiveSweep> sweepOfRun = new HashMap<>();
  private final WorkerPool pool = new WorkerPool();
  private long timer = -1;
  private long lastCheck;

  public SweepControllerVerticle(Platform platform, Settings settings) {
    this.platform = platform;
    this.resolver = platform.specResolver();
    this.settings = settings;
  }

  private SweepStore sweeps() {
    return platform.sweeps();
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    List<MessageConsumer<?>> consumers =
        List.of(
            bus.<JsonObject>consumer(SweepAddresses.SUBMIT, this::submit),
            bus.<JsonObject>consumer(SweepAddresses.STOP, this::stopSweep),
            bus.<JsonObject>consumer(SweepAddresses.WORKER_HELLO, this::hello),
            bus.<JsonObject>consumer(SweepAddresses.WORKER_HEARTBEAT, this::heartbeat),
            bus.<JsonObject>consumer(
                SweepAddresses.WORKERS,
                msg ->
                    msg.reply(
                        new JsonObject().put("workers", pool.toJson(System.currentTimeMillis())))),
            bus.<MetricBatch>consumer(SweepAddresses.TRIAL_METRICS, this::metrics),
            bus.<JsonObject>consumer(SweepAddresses.TRIAL_STATE, this::trialState),
            bus.<JsonObject>localConsumer(Addresses.FLUSHED, msg -> flushed(msg.body())));
    timer = vertx.setPeriodic(CHECK_MILLIS, id -> checkWorkers());
    Future<?> ready = Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    if (!settings.resumeAll()) {
      return ready;
    }
    return ready
        .compose(v -> blocking(() -> sweeps().list(SweepStatus.RUNNING, 1000)))
        .compose(running -> Future.all(running.stream().map(r -> resume(r, 0, 0)).toList()))
        .onSuccess(
            v -> {
              if (!active.isEmpty()) {
                LOG.warn("resuming {} unfinished sweep(s)", active.size());
              }
            });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  // ---- submitting, resuming, stopping

  private record Prepared(SweepSpec spec, String hash, SweepRecord existing) {}

  private void submit(Message<JsonObject> msg) {
    JsonObject b = msg.body();
    int runCap = b.getInteger("runCap", 0);
    int parallel = b.getInteger("parallel", 0);
    blocking(
            () -> {
              String sweepText = b.getString("sweepText");
              SweepSpec spec =
                  SweepSpecParser.parse(
                          sweepText, b.getString("baseText"), b.getString("name", "sweep"))
                      .withLimits(runCap, parallel);
              SweepValidator.validate(spec, resolver);
              String hash =
                  Provenance.sha256(sweepText + "\n--- base spec ---\n" + spec.baseText());
              return new Prepared(spec, hash, sweeps().findRunning(hash).orElse(null));
            })
        .compose(
            p -> {
              if (p.existing() != null && active.containsKey(p.existing().id())) {
                return Future.succeededFuture(
                    summary(active.get(p.existing().id())).put("resumed", true));
              }
              if (p.existing() != null) {
                return resume(p.existing(), runCap, parallel)
                    .map(s -> summary(s).put("resumed", true));
              }
              String owner = b.getString("owner");
              return blocking(
                      () -> {
                        SweepRecord record = sweeps().create(p.spec(), p.hash());
                        // owned before its first trial is created, so every trial's run takes the
                        // same owner
                        if (owner != null && !owner.equals("local")) {
                          platform
                              .security()
                              .setOwner(SecurityStore.Owned.SWEEP, record.id(), owner);
                        }
                        return record;
                      })
                  .map(
                      record ->
                          summary(activate(record, p.spec(), List.of(), Map.of()))
                              .put("resumed", false));
            })
        .onSuccess(msg::reply)
        .onFailure(
            e -> msg.fail(e instanceof SpecException ? 400 : 500, String.valueOf(e.getMessage())));
  }

  private static JsonObject summary(ActiveSweep s) {
    long done = s.trials.values().stream().filter(t -> !t.inFlight()).count();
    return new JsonObject()
        .put("id", s.record.id())
        .put("name", s.spec.name())
        .put("method", s.spec.method().label())
        .put("metric", s.spec.metric())
        .put("goal", s.spec.goal().label())
        .put("runCap", s.spec.runCap())
        .put("parallel", s.spec.parallel())
        .put("trialsDone", done)
        .put("trialsToRetry", s.retried);
  }

  private record Loaded(
      SweepRecord record, SweepSpec spec, List<TrialRecord> trials, Map<Integer, Series> values) {}

  /** Loads a RUNNING sweep, puts its unfinished trials' runs back to QUEUED and activates it. */
  private Future<ActiveSweep> resume(SweepRecord stored, int runCap, int parallel) {
    return blocking(
            () -> {
              int cap = runCap > 0 ? runCap : stored.runCap();
              int par = parallel > 0 ? parallel : stored.parallel();
              SweepSpec spec =
                  SweepSpecParser.parse(stored.sweepText(), stored.baseText(), stored.name())
                      .withLimits(cap, par);
              SweepRecord record = stored;
              if (spec.runCap() != stored.runCap() || spec.parallel() != stored.parallel()) {
                sweeps().updateLimits(stored.id(), spec.runCap(), spec.parallel());
                record = sweeps().find(stored.id()).orElseThrow();
              }
              int orphans = sweeps().deleteOrphanRuns(stored.id());
              if (orphans > 0) {
                LOG.info(
                    "sweep {}: deleted {} run(s) stored for a trial the last process did not record",
                    stored.id(),
                    orphans);
              }
              List<TrialRecord> trials = sweeps().allTrials(stored.id());
              Map<Integer, Series> values = new HashMap<>();
              for (TrialRecord t : trials) {
                if (!t.status().done()) {
                  sweeps().requeueRun(t.runId());
                }
                platform
                    .store()
                    .readSeries(t.runId(), spec.metric(), 0)
                    .ifPresent(s -> values.put(t.trialNo(), s));
              }
              return new Loaded(record, spec, trials, values);
            })
        .map(
            l -> {
              long retry = l.trials().stream().filter(t -> !t.status().done()).count();
              LOG.info(
                  "sweep {} ({}): resuming with {} trial(s) stored, {} to retry",
                  l.record().id(),
                  l.record().name(),
                  l.trials().size(),
                  retry);
              return activate(l.record(), l.spec(), l.trials(), l.values());
            });
  }

  private ActiveSweep activate(
      SweepRecord record, SweepSpec spec, List<TrialRecord> trials, Map<Integer, Series> values) {
    ActiveSweep s = new ActiveSweep(record, spec);
    s.retried = (int) trials.stream().filter(r -> !r.status().done()).count();
    for (TrialRecord r : trials) {
      TrialRecord rec = r.status().done() ? r : withStatus(r, TrialState.QUEUED);
      TrialHistory h = rec.history();
      Series series = values.get(r.trialNo());
      if (series != null) {
        for (int i = 0; i < series.size(); i++) {
          h.report(series.steps()[i], series.values()[i]);
        }
      }
      ActiveSweep.Trial t = new ActiveSweep.Trial(rec, h);
      s.trials.put(r.trialNo(), t);
      byRun.put(r.runId(), t);
      sweepOfRun.put(r.runId(), s);
    }
    active.put(record.id(), s);
    pump();
    return s;
  }

  private static TrialRecord withStatus(TrialRecord r, TrialState status) {
    return new TrialRecord(
        r.sweepId(),
        r.trialNo(),
        r.runId(),
        status,
        r.params(),
        r.objective(),
        r.objectiveStep(),
        r.prunedStep(),
        r.attempts(),
        r.worker(),
        r.message(),
        r.createdAt(),
        r.dispatchedAt(),
        r.runningAt(),
        r.firstMetricAt(),
        r.firstStoredAt(),
        r.endedAt());
  }

  private void stopSweep(Message<JsonObject> msg) {
    String id = msg.body().getString("sweepId");
    ActiveSweep s = active.get(id);
    if (s == null) {
      msg.fail(404, "sweep '" + id + "' is not running in this server");
      return;
    }
    s.stopping = true;
    for (ActiveSweep.Trial t : List.copyOf(s.trials.values())) {
      if (!t.inFlight()) {
        continue;
      }
      if (t.dispatched && t.worker != null) {
        vertx
            .eventBus()
            .request(
                SweepAddresses.worker(t.worker),
                new JsonObject()
                    .put("op", "cancel")
                    .put("runId", t.runId())
                    .put("attempt", t.attempt)
                    .put("reason", "sweep stopped"));
      } else {
        finish(s, t, TrialState.KILLED, "sweep stopped before the trial started");
      }
    }
    maybeFinish(s);
    msg.reply(new JsonObject().put("stopping", id));
  }

  // ---- creating and dispatching trials

  private void pump() {
    for (ActiveSweep s : List.copyOf(active.values())) {
      while (!s.stopping && !s.ending && s.remaining() > 0 && s.inFlight() < s.spec.parallel()) {
        createTrial(s);
      }
      maybeFinish(s);
    }
    dispatch();
  }

  private record NewTrial(NewRun run, String error, Map<String, Object> params) {}

  private void createTrial(ActiveSweep s) {
    int trialNo = s.nextTrialNo();
    s.creating++;
    // the sampler runs on a worker (TPE fits densities over every trial: not event-loop work), over
    // copies of the histories the loop keeps updating; ordered blocking calls keep samples in order
    List<TrialHistory> histories = s.histories().stream().map(TrialHistory::copy).toList();
    String name = s.spec.name() + "-" + trialNo;
    blocking(
            () -> {
              Map<String, Object> sampled = s.sampler.sample(trialNo, histories);
              return newTrialRun(s, name, TrialSpecs.text(s.spec, name, sampled), sampled);
            })
        .compose(
            nt ->
                vertx
                    .eventBus()
                    .<JsonObject>request(Addresses.CREATE_RUN, JsonMapping.toJson(nt.run()))
                    .map(
                        reply -> {
                          Instant now = SweepStore.now();
                          TrialRecord rec =
                              new TrialRecord(
                                  s.record.id(),
                                  trialNo,
                                  reply.body().getString("id"),
                                  nt.error() == null ? TrialState.QUEUED : TrialState.FAILED,
                                  nt.params(),
                                  null,
                                  null,
                                  null,
                                  0,
                                  null,
                                  nt.error(),
                                  now,
                                  null,
                                  null,
                                  null,
                                  null,
                                  nt.error() == null ? null : now);
                          return rec;
                        }))
        .compose(
            rec ->
                blocking(
                    () -> {
                      sweeps().saveTrial(rec);
                      // a trial's run belongs to whoever submitted the sweep
                      platform
                          .security()
                          .owner(SecurityStore.Owned.SWEEP, s.record.id())
                          .ifPresent(
                              owner ->
                                  platform
                                      .security()
                                      .setOwner(SecurityStore.Owned.RUN, rec.runId(), owner));
                      return rec;
                    }))
        .onComplete(
            ar -> {
              s.creating--;
              if (ar.succeeded()) {
                TrialRecord rec = ar.result();
                ActiveSweep.Trial t = new ActiveSweep.Trial(rec, rec.history());
                s.trials.put(trialNo, t);
                byRun.put(rec.runId(), t);
                sweepOfRun.put(rec.runId(), s);
                if (rec.status() == TrialState.FAILED) {
                  setRunState(rec.runId(), "FAILED", null, rec.message());
                  publishTrial(s, t);
                }
              } else {
                LOG.error(
                    "sweep {}: could not create trial {}; stopping the sweep",
                    s.record.id(),
                    trialNo,
                    ar.cause());
                s.stopping = true;
              }
              pump();
            });
  }

  /** The trial's run, with its params resolved against the plugins (or the error that stops it). */
  private NewTrial newTrialRun(
      ActiveSweep s, String name, String text, Map<String, Object> params) {
    TorchThreads.configureDefaults(); // before libtorch loads
    Map<String, String> provenance = Provenance.collect(null, platform.plugins().pluginVersions());
    Map<String, String> flat = new LinkedHashMap<>();
    String error = null;
    long seed = 0;
    String device = "auto";
    try {
      ResolvedSpec resolved = resolver.resolve(TrialSpecs.parse(text, name));
      flat.putAll(resolved.flatParams());
      seed = resolved.spec().seed();
      device = resolved.spec().device().label();
    } catch (SpecException e) {
      params.forEach((k, v) -> flat.put(k, String.valueOf(v)));
      error = e.getMessage();
    }
    flat.put("sweep.id", s.record.id());
    flat.put("sweep.trial", name.substring(name.lastIndexOf('-') + 1));
    return new NewTrial(
        new NewRun(
            s.spec.experiment(),
            name,
            text,
            Provenance.sha256(text),
            seed,
            device,
            provenance,
            flat),
        error,
        params);
  }

  private void dispatch() {
    for (ActiveSweep s : active.values()) {
      if (s.stopping) {
        continue;
      }
      for (ActiveSweep.Trial t : s.ready()) {
        if (t.requeuing) {
          continue;
        }
        Optional<WorkerPool.Worker> free = pool.pickFree();
        if (free.isEmpty()) {
          return;
        }
        assign(s, t, free.get());
      }
    }
  }

  private void assign(ActiveSweep s, ActiveSweep.Trial t, WorkerPool.Worker w) {
    t.dispatched = true;
    t.attempt++;
    t.worker = w.id;
    t.dispatchedAt = SweepStore.now();
    t.runningAt = null;
    t.firstMetricAt = null;
    t.firstStoredAt = null;
    t.pruneReason = null;
    t.prunedStep = null;
    w.assigned.add(t.runId());
    String text = TrialSpecs.text(s.spec, s.spec.name() + "-" + t.trialNo(), t.record.params());
    JsonObject body =
        new JsonObject()
            .put("op", "assign")
            .put("sweepId", s.record.id())
            .put("trialNo", t.trialNo())
            .put("runId", t.runId())
            .put("attempt", t.attempt)
            .put("specText", text);
    int attempt = t.attempt;
    vertx
        .eventBus()
        .<JsonObject>request(
            SweepAddresses.worker(w.id), body, new DeliveryOptions().setSendTimeout(10_000))
        .onSuccess(
            reply -> {
              LOG.info(
                  "sweep {}: trial {} (run {}) attempt {} on {}",
                  s.record.id(),
                  t.trialNo(),
                  t.runId(),
                  attempt,
                  w.id);
              save(t, TrialState.QUEUED, null, null);
            })
        .onFailure(
            e -> {
              if (t.attempt != attempt || !t.dispatched) {
                return;
              }
              // a node that just joined may not be reachable yet (its address spreads through the
              // cluster)
              LOG.info(
                  "sweep {}: node {} did not take trial {}: {}",
                  s.record.id(),
                  w.id,
                  t.trialNo(),
                  e.getMessage());
              w.assigned.remove(t.runId());
              t.dispatched = false;
              t.worker = null;
              vertx.setTimer(500, id -> dispatch());
            });
  }

  // ---- what nodes report

  private void trialState(Message<JsonObject> msg) {
    JsonObject b = msg.body();
    String runId = b.getString("runId");
    ActiveSweep.Trial t = byRun.get(runId);
    ActiveSweep s = sweepOfRun.get(runId);
    if (t == null
        || s == null
        || !t.inFlight()
        || !t.dispatched
        || t.attempt != b.getInteger("attempt", -1)) {
      msg.reply(new JsonObject().put("stale", true));
      return;
    }
    String status = b.getString("status");
    switch (status) {
      case "RUNNING" -> {
        t.runningAt = SweepStore.now();
        t.history.state(TrialState.RUNNING);
        t.record = t.snapshot(TrialState.RUNNING, null, null);
        setRunState(runId, "RUNNING", b.getString("device"), null)
            .onSuccess(
                v -> {
                  msg.reply(new JsonObject().put("stale", false));
                  persist(t);
                })
            .onFailure(
                e -> {
                  msg.reply(new JsonObject().put("stale", true));
                  finish(s, t, TrialState.FAILED, "could not start: " + e.getMessage());
                });
        return;
      }
      case "INTERRUPTED" -> requeue(s, t, "its training node stopped");
      case "FINISHED", "FAILED", "PRUNED", "KILLED" ->
          finish(s, t, TrialState.valueOf(status), b.getString("message"));
      default -> {
        msg.fail(400, "unknown trial status '" + status + "'");
        return;
      }
    }
    msg.reply(new JsonObject().put("stale", false));
  }

  private void metrics(Message<MetricBatch> msg) {
    String runId = msg.headers().get("runId");
    ActiveSweep.Trial t = byRun.get(runId);
    ActiveSweep s = sweepOfRun.get(runId);
    String attempt = msg.headers().get("attempt");
    if (t == null
        || s == null
        || !t.inFlight()
        || !t.dispatched
        || !String.valueOf(t.attempt).equals(attempt)) {
      return; // a stale attempt (its node was given up on): its points must not mix with the
      // retry's
    }
    MetricBatch batch = msg.body();
    vertx.eventBus().send(Addresses.METRICS, batch);
    if (t.firstMetricAt == null) {
      t.firstMetricAt = SweepStore.now();
    }
    for (ScalarPoint p : batch.points()) {
      if (!p.tag().equals(s.spec.metric())
          || !t.history.report(p.step(), p.value())
          || t.pruneReason != null) {
        continue;
      }
      Optional<String> reason = s.pruner.check(t.history, p.step(), s.histories(), s.spec.goal());
      if (reason.isPresent()) {
        t.pruneReason = reason.get();
        t.prunedStep = p.step();
        LOG.info(
            "sweep {}: pruning trial {} at step {}: {}",
            s.record.id(),
            t.trialNo(),
            p.step(),
            reason.get());
        vertx
            .eventBus()
            .request(
                SweepAddresses.worker(t.worker),
                new JsonObject()
                    .put("op", "prune")
                    .put("runId", runId)
                    .put("attempt", t.attempt)
                    .put("reason", reason.get()));
      }
    }
  }

  private void flushed(JsonObject body) {
    if (body.getBoolean("media", false)) {
      return;
    }
    Instant now = null;
    for (Object id : body.getJsonArray("runIds", new JsonArray())) {
      ActiveSweep.Trial t = byRun.get(String.valueOf(id));
      if (t != null && t.firstMetricAt != null && t.firstStoredAt == null && t.inFlight()) {
        now = now == null ? SweepStore.now() : now;
        t.firstStoredAt = now;
      }
    }
  }

  private void hello(Message<JsonObject> msg) {
    JsonObject info = msg.body();
    String id = info.getString("workerId");
    WorkerPool.Worker w = pool.register(id, info, System.currentTimeMillis());
    LOG.info(
        "training node {} on {} joined: {} slot(s), {} cores, {} GPUs",
        id,
        info.getString("host"),
        w.slots,
        info.getInteger("cores"),
        info.getInteger("gpus"));
    msg.reply(
        new JsonObject()
            .put("ok", true)
            .put("cancel", unknownRuns(w, info.getJsonArray("running"))));
    dispatch();
  }

  private void heartbeat(Message<JsonObject> msg) {
    String id = msg.body().getString("workerId");
    Optional<WorkerPool.Worker> w = pool.get(id);
    if (w.isEmpty()) {
      msg.reply(new JsonObject().put("known", false));
      return;
    }
    w.get().lastSeen = System.currentTimeMillis();
    msg.reply(
        new JsonObject()
            .put("known", true)
            .put("cancel", unknownRuns(w.get(), msg.body().getJsonArray("running"))));
  }

  /**
   * Runs a node trains that the head has not assigned to it (re-queued meanwhile, or before a
   * restart).
   */
  private static JsonArray unknownRuns(WorkerPool.Worker w, JsonArray running) {
    JsonArray cancel = new JsonArray();
    if (running != null) {
      running.forEach(
          id -> {
            if (!w.assigned.contains(String.valueOf(id))) {
              cancel.add(id);
            }
          });
    }
    return cancel;
  }

  private void checkWorkers() {
    long now = System.currentTimeMillis();
    long stalled = lastCheck == 0 ? 0 : now - lastCheck - CHECK_MILLIS;
    lastCheck = now;
    if (stalled > CHECK_MILLIS) {
      // this process itself was stalled (GC, an overloaded machine): the nodes' silence is ours
      pool.grace(stalled);
    }
    List<WorkerPool.Worker> lost = pool.expire(now, settings.workerTimeoutMillis());
    for (WorkerPool.Worker w : lost) {
      LOG.warn(
          "training node {} silent for more than {} ms: re-queuing its {} trial(s)",
          w.id,
          settings.workerTimeoutMillis(),
          w.assigned.size());
      for (String runId : List.copyOf(w.assigned)) {
        ActiveSweep.Trial t = byRun.get(runId);
        if (t != null && t.inFlight() && w.id.equals(t.worker)) {
          requeue(sweepOfRun.get(runId), t, "training node " + w.id + " was lost");
        }
      }
    }
    if (!lost.isEmpty()) {
      dispatch();
    }
  }

  // ---- ending and retrying trials

  private void requeue(ActiveSweep s, ActiveSweep.Trial t, String why) {
    pool.get(t.worker).ifPresent(w -> w.assigned.remove(t.runId()));
    t.dispatched = false;
    if (t.attempt >= MAX_ATTEMPTS) {
      finish(s, t, TrialState.FAILED, why + "; given up after " + t.attempt + " attempts");
      return;
    }
    if (s.stopping) {
      finish(s, t, TrialState.KILLED, "sweep stopped");
      return;
    }
    LOG.warn(
        "sweep {}: trial {} (run {}) re-queued: {}", s.record.id(), t.trialNo(), t.runId(), why);
    t.requeuing = true;
    t.history.state(TrialState.QUEUED);
    t.record = t.snapshot(TrialState.QUEUED, why, null);
    TrialRecord rec = t.record;
    blocking(
            () -> {
              sweeps().requeueRun(t.runId());
              sweeps().saveTrial(rec);
              return null;
            })
        .onComplete(
            ar -> {
              t.requeuing = false;
              if (ar.failed()) {
                LOG.error("trial run {} could not be re-queued", t.runId(), ar.cause());
              }
              dispatch();
            });
  }

  private void finish(ActiveSweep s, ActiveSweep.Trial t, TrialState state, String message) {
    pool.get(t.worker)
        .ifPresent(
            w -> {
              if (w.assigned.remove(t.runId())) {
                w.trialsDone++;
              }
            });
    t.dispatched = false;
    if (state == TrialState.PRUNED && t.pruneReason != null) {
      message = "pruned at step " + t.prunedStep + ": " + t.pruneReason;
    }
    if (state == TrialState.FINISHED && t.history.lastValue() == null) {
      message =
          "metric '"
              + s.spec.metric()
              + "' was never reported; check metric.name against the run's tags";
    }
    t.history.state(state);
    t.history.objective(t.history.lastValue());
    t.record = t.snapshot(state, message, SweepStore.now());
    TrialRecord rec = t.record;
    String runStatus = state == TrialState.PRUNED ? "PRUNED" : state.name();
    setRunState(t.runId(), runStatus, null, message)
        .onFailure(
            e ->
                LOG.warn(
                    "run {} of trial {} not marked {}: {}",
                    t.runId(),
                    t.trialNo(),
                    runStatus,
                    e.getMessage()));
    blocking(
            () -> {
              sweeps().saveTrial(rec);
              return null;
            })
        .onFailure(
            e -> LOG.error("trial {} of sweep {} not stored", t.trialNo(), s.record.id(), e));
    publishTrial(s, t);
    pump();
  }

  private void maybeFinish(ActiveSweep s) {
    if (s.ending || s.inFlight() > 0 || (!s.stopping && s.remaining() > 0)) {
      return;
    }
    s.ending = true;
    SweepStatus status = s.stopping ? SweepStatus.STOPPED : SweepStatus.FINISHED;
    String message = bestSummary(s);
    blocking(
            () -> {
              sweeps().end(s.record.id(), status, message);
              return null;
            })
        .onComplete(
            ar -> {
              active.remove(s.record.id());
              s.trials
                  .values()
                  .forEach(
                      t -> {
                        byRun.remove(t.runId());
                        sweepOfRun.remove(t.runId());
                      });
              LOG.info("sweep {} {}: {}", s.record.id(), status, message);
              vertx
                  .eventBus()
                  .publish(
                      SweepAddresses.EVENTS,
                      new JsonObject()
                          .put("type", "sweep")
                          .put("sweepId", s.record.id())
                          .put("status", status.name())
                          .put("message", message));
            });
  }

  private static String bestSummary(ActiveSweep s) {
    ActiveSweep.Trial best = null;
    for (ActiveSweep.Trial t : s.trials.values()) {
      Double v = t.history.objective();
      if (t.record.status() == TrialState.FINISHED
          && v != null
          && (best == null || s.spec.goal().better(v, best.history.objective()))) {
        best = t;
      }
    }
    if (best == null) {
      return "no trial finished with a value of " + s.spec.metric();
    }
    return "best trial "
        + best.trialNo()
        + " (run "
        + best.runId()
        + "): "
        + s.spec.metric()
        + " = "
        + best.history.objective()
        + " with "
        + ValueKeys.toJson(best.record.params());
  }

  private void publishTrial(ActiveSweep s, ActiveSweep.Trial t) {
    TrialRecord r = t.record;
    vertx
        .eventBus()
        .publish(
            SweepAddresses.EVENTS,
            new JsonObject()
                .put("type", "trial")
                .put("sweepId", s.record.id())
                .put("trialNo", r.trialNo())
                .put("runId", r.runId())
                .put("status", r.status().name())
                .put("objective", r.objective() == null ? null : JsonMapping.finite(r.objective()))
                .put("objectiveStep", r.objectiveStep())
                .put("prunedStep", r.prunedStep())
                .put("attempts", r.attempts())
                .put("worker", r.worker())
                .put("message", r.message())
                .put("params", new JsonObject(r.params()))
                .put("done", s.trials.values().stream().filter(x -> !x.inFlight()).count())
                .put("runCap", s.spec.runCap()));
  }

  // ---- helpers

  private void save(ActiveSweep.Trial t, TrialState status, String message, Instant endedAt) {
    t.record = t.snapshot(status, message, endedAt);
    persist(t);
  }

  private void persist(ActiveSweep.Trial t) {
    TrialRecord rec = t.record;
    blocking(
            () -> {
              sweeps().saveTrial(rec);
              return null;
            })
        .onFailure(e -> LOG.error("trial run {} not stored", rec.runId(), e));
  }

  private Future<Void> setRunState(String runId, String status, String device, String message) {
    JsonObject body =
        new JsonObject()
            .put("runId", runId)
            .put("status", status)
            .put("device", device)
            .put("message", message);
    return vertx.eventBus().request(Addresses.RUN_STATE, body).mapEmpty();
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, true);
  }
}
