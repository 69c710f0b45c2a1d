package dev.cairn.server.sweep;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The training nodes the controller knows, their free slots and last heartbeat. Event-loop only.
 */
final class WorkerPool {
  /** One node. {@code assigned} holds the run ids the head dispatched to it and counts as busy. */
  static final class Worker {
    final String id;
    final JsonObject info;
    final int slots;
    final Set<String> assigned = new LinkedHashSet<>();
    long lastSeen;
    long trialsDone;

    Worker(String id, JsonObject info, long now) {
      this.id = id;
      this.info = info;
      this.slots = info.getInteger("slots", 1);
      this.lastSeen = now;
    }

    int free() {
      return slots - assigned.size();
    }

    JsonObject toJson(long now) {
      JsonArray running = new JsonArray();
      assigned.forEach(running::add);
      return new JsonObject()
          .put("id", id)
          .put("host", info.getString("host"))
          .put("pid", info.getLong("pid"))
          .put("cores", info.getInteger("cores"))
          .put("gpus", info.getInteger("gpus"))
          .put("slots", slots)
          .put("free", free())
          .put("running", running)
          .put("trialsDone", trialsDone)
          .put("lastSeenMillisAgo", now - lastSeen);
    }
  }

  private final Map<String, Worker> workers = new LinkedHashMap<>();

  Worker register(String id, JsonObject info, long now) {
    Worker old = workers.get(id);
    Worker w = new Worker(id, info, now);
    if (old != null) {
      w.assigned.addAll(old.assigned);
      w.trialsDone = old.trialsDone;
    }
    workers.put(id, w);
    return w;
  }

  Optional<Worker> get(String id) {
    return Optional.ofNullable(workers.get(id));
  }

  /** The node with the most free slots (ties: the one registered first), if any is free. */
  Optional<Worker> pickFree() {
    return workers.values().stream()
        .filter(w -> w.free() > 0)
        .max(Comparator.comparingInt(Worker::free));
  }

  /** Forgives every node {@code millis} of silence (the head itself was not listening). */
  void grace(long millis) {
    workers.values().forEach(w -> w.lastSeen += millis);
  }

  /** Removes and returns the nodes silent for longer than {@code timeoutMillis}. */
  List<Worker> expire(long now, long timeoutMillis) {
    List<Worker> lost = new ArrayList<>();
    workers
        .values()
        .removeIf(
            w -> {
              if (now - w.lastSeen > timeoutMillis) {
                lost.add(w);
                return true;
              }
              return false;
            });
    return lost;
  }

  JsonArray toJson(long now) {
    JsonArray out = new JsonArray();
    workers.values().forEach(w -> out.add(w.toJson(now)));
    return out;
  }
}
