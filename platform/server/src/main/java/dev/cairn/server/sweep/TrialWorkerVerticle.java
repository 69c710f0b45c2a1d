package dev.cairn.server.sweep;

import dev.cairn.core.spec.SpecResolver;
import dev.cairn.core.training.MetricSink;
import dev.cairn.server.bus.EventBusMetricSink;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training node: offers its slots to the sweep controller, trains the trials it is assigned on
 * its own executor (never an event loop), streams their scalars back and reports how they end. It
 * sends a heartbeat every second; when the head has not answered for {@code headTimeoutMillis} it
 * stops its trials (the head re-queues them) and calls {@code onHeadLost}, so a cluster worker can
 * rejoin a restarted head. The same verticle runs in the head's JVM for local sweeps.
 */
public final class TrialWorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TrialWorkerVerticle.class);

  /**
   * @param workerId unique name of this node
   * @param slots trials trained at once
   * @param headTimeoutMillis silence of the head after which it counts as lost
   * @param heartbeatMillis heartbeat period
   */
  public record Settings(
      String workerId,
      String host,
      int slots,
      int cores,
      int gpus,
      long headTimeoutMillis,
      long heartbeatMillis) {
    public Settings {
      if (slots < 1) {
        throw new IllegalArgumentException("a training node needs at least 1 slot, got " + slots);
      }
    }
  }

  private final Settings settings;
  private final TrialRunner runner;
  private final Runnable onHeadLost;
  private final Map<String, TrialTask> running = new ConcurrentHashMap<>();
  private WorkerExecutor executor;
  private long timer = -1;
  private long lastAck;
  private long lastBeat;
  private boolean registered;
  private boolean helloInFlight;
  private boolean headLost;
  private volatile boolean stopping;

  TrialWorkerVerticle(Settings settings, TrialRunner runner, Runnable onHeadLost) {
    this.settings = settings;
    this.runner = runner;
    this.onHeadLost = onHeadLost;
  }

  /** A node that trains with the given plugins and data directory. */
  public static TrialWorkerVerticle create(
      Settings settings,
      SpecResolver resolver,
      Path dataDir,
      boolean offline,
      Runnable onHeadLost) {
    return new TrialWorkerVerticle(
        settings, new TrialRunner(resolver, dataDir, offline), onHeadLost);
  }

  @Override
  public Future<?> start() {
    executor =
        vertx.createSharedWorkerExecutor(
            "cairn-trials-" + settings.workerId(), settings.slots(), 30, TimeUnit.DAYS);
    lastAck = System.currentTimeMillis();
    timer = vertx.setPeriodic(settings.heartbeatMillis(), id -> heartbeat());
    return vertx
        .eventBus()
        .<JsonObject>consumer(SweepAddresses.worker(settings.workerId()), this::command)
        .completion()
        .onSuccess(v -> hello());
  }

  private JsonArray runningIds() {
    JsonArray ids = new JsonArray();
    running.keySet().forEach(ids::add);
    return ids;
  }

  private void hello() {
    if (helloInFlight || stopping) {
      return;
    }
    helloInFlight = true;
    JsonObject body =
        new JsonObject()
            .put("workerId", settings.workerId())
            .put("host", settings.host())
            .put("pid", ProcessHandle.current().pid())
            .put("cores", settings.cores())
            .put("gpus", settings.gpus())
            .put("slots", settings.slots())
            .put("running", runningIds());
    vertx
        .eventBus()
        .<JsonObject>request(
            SweepAddresses.WORKER_HELLO, body, new DeliveryOptions().setSendTimeout(2000))
        .onComplete(
            ar -> {
              helloInFlight = false;
              if (ar.succeeded()) {
                if (!registered) {
                  LOG.info(
                      "training node {} registered with the sweep controller ({} slots)",
                      settings.workerId(),
                      settings.slots());
                }
                registered = true;
                lastAck = System.currentTimeMillis();
                cancel(ar.result().body().getJsonArray("cancel"));
              } else {
                checkHead();
              }
            });
  }

  private void heartbeat() {
    long now = System.currentTimeMillis();
    long stalled = lastBeat == 0 ? 0 : now - lastBeat - settings.heartbeatMillis();
    lastBeat = now;
    if (stalled > settings.heartbeatMillis()) {
      lastAck += stalled; // this process was stalled: the head's silence is ours
    }
    if (stopping || headLost) {
      return;
    }
    if (!registered) {
      hello();
      return;
    }
    JsonObject body =
        new JsonObject().put("workerId", settings.workerId()).put("running", runningIds());
    vertx
        .eventBus()
        .<JsonObject>request(
            SweepAddresses.WORKER_HEARTBEAT, body, new DeliveryOptions().setSendTimeout(2000))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                checkHead();
                return;
              }
              lastAck = System.currentTimeMillis();
              JsonObject reply = ar.result().body();
              if (!reply.getBoolean("known", false)) {
                registered = false;
                hello();
              }
              cancel(reply.getJsonArray("cancel"));
            });
  }

  /** Stops attempts the head does not count on (it re-queued them, or it restarted). */
  private void cancel(JsonArray runIds) {
    if (runIds == null) {
      return;
    }
    for (Object id : runIds) {
      TrialTask task = running.get(String.valueOf(id));
      if (task != null) {
        task.requestStop(TrialRunner.Stop.INTERRUPT, "the head no longer counts on this attempt");
      }
    }
  }

  private void checkHead() {
    if (headLost || System.currentTimeMillis() - lastAck <= settings.headTimeoutMillis()) {
      return;
    }
    headLost = true;
    LOG.warn(
        "training node {}: no answer from the head for {} ms; stopping {} trial(s)",
        settings.workerId(),
        settings.headTimeoutMillis(),
        running.size());
    running.values().forEach(t -> t.requestStop(TrialRunner.Stop.INTERRUPT, "head lost"));
    if (onHeadLost != null) {
      onHeadLost.run();
    }
  }

  private void command(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String op = body.getString("op", "");
    String runId = body.getString("runId");
    switch (op) {
      case "assign" -> {
        if (stopping
            || headLost
            || running.size() >= settings.slots()
            || running.containsKey(runId)) {
          msg.fail(409, "busy: " + running.size() + " of " + settings.slots() + " slots in use");
          return;
        }
        TrialTask task = TrialTask.fromJson(body);
        running.put(runId, task);
        msg.reply(new JsonObject().put("accepted", true));
        executor
            .executeBlocking(
                () -> {
                  train(task);
                  return null;
                },
                false)
            .onComplete(
                ar -> {
                  running.remove(runId, task);
                  if (ar.failed()) {
                    LOG.error("trial run {} ended abnormally", runId, ar.cause());
                  }
                });
      }
      case "prune", "cancel" -> {
        TrialTask task = running.get(runId);
        if (task != null && task.attempt() == body.getInteger("attempt", -1)) {
          task.requestStop(
              op.equals("prune") ? TrialRunner.Stop.PRUNE : TrialRunner.Stop.KILL,
              body.getString("reason"));
        }
        msg.reply(new JsonObject().put("found", task != null));
      }
      default -> msg.fail(400, "unknown op '" + op + "'");
    }
  }

  /** Runs on the trial executor. */
  private void train(TrialTask task) {
    // scalars go to the controller, which checks they belong to this attempt, feeds its pruner and
    // forwards them to the store writer; media are keyed by run, tag and step, so a retried
    // attempt's media replace the lost one's
    MetricSink sink =
        EventBusMetricSink.to(
            vertx.eventBus(),
            SweepAddresses.TRIAL_METRICS,
            new DeliveryOptions()
                .addHeader("runId", task.runId())
                .addHeader("attempt", Integer.toString(task.attempt())));
    TrialRunner.Outcome outcome =
        runner.run(
            task,
            sink,
            device -> {
              JsonObject reply = report(task, "RUNNING", device, null, 1);
              return reply != null && !reply.getBoolean("stale", false);
            });
    if (outcome.status().equals("STALE") || (stopping && outcome.status().equals("INTERRUPTED"))) {
      return; // the head re-queued it already, or will at its next start
    }
    report(task, outcome.status(), null, outcome.message(), 3);
  }

  /** Tells the head about an attempt and waits for its answer (null when it never came). */
  private JsonObject report(
      TrialTask task, String status, String device, String message, int tries) {
    JsonObject body =
        new JsonObject()
            .put("runId", task.runId())
            .put("attempt", task.attempt())
            .put("workerId", settings.workerId())
            .put("status", status)
            .put("device", device)
            .put("message", message);
    for (int i = 0; i < tries && !headLost; i++) {
      try {
        return vertx
            .eventBus()
            .<JsonObject>request(
                SweepAddresses.TRIAL_STATE, body, new DeliveryOptions().setSendTimeout(10_000))
            .toCompletionStage()
            .toCompletableFuture()
            .get(15, TimeUnit.SECONDS)
            .body();
      } catch (Exception e) {
        LOG.warn(
            "trial run {}: the head did not take state {} ({}), try {} of {}",
            task.runId(),
            status,
            e.getMessage(),
            i + 1,
            tries);
      }
    }
    return null;
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timer);
    running
        .values()
        .forEach(t -> t.requestStop(TrialRunner.Stop.INTERRUPT, "training node stopped"));
    Promise<Void> done = Promise.promise();
    long deadline = System.currentTimeMillis() + 20_000;
    vertx.setPeriodic(
        50,
        id -> {
          if (running.isEmpty() || System.currentTimeMillis() > deadline) {
            vertx.cancelTimer(id);
            executor.close();
            done.tryComplete();
          }
        });
    return done.future();
  }
}
