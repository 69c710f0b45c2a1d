package dev.cairn.server.cli;

import dev.cairn.core.tracking.RunQuery;
import dev.cairn.core.tracking.RunRecord;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.tracking.SeriesSummary;
import dev.cairn.server.json.JsonMapping;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cairn runs}: every recorded run, newest first. */
@Command(name = "runs", description = "List recorded runs, newest first.")
final class RunsCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
  private static final List<String> KEY_METRICS =
      List.of(
          "epoch/test_accuracy",
          "epoch/validation_accuracy",
          "epoch/train_accuracy",
          "epoch/train_loss");

  @Mixin CommonOptions common;

  @Mixin ServerOption server;

  @Option(names = "--json", description = "Print JSON on stdout.")
  boolean json;

  @Option(names = "--experiment", description = "Only runs of this experiment.")
  String experiment;

  @Option(names = "--status", description = "Only runs with this status: ${COMPLETION-CANDIDATES}.")
  RunStatus status;

  @Option(
      names = "--limit",
      defaultValue = "50",
      description = "At most this many runs (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() throws Exception {
    if (limit < 1 || limit > 1000) {
      System.err.println("error: --limit must be between 1 and 1000");
      return CairnCli.USAGE;
    }
    Optional<Integer> viaServer = server.through(common, this::throughServer);
    if (viaServer.isPresent()) {
      return viaServer.get();
    }
    PlatformCommand.Handle handle = PlatformCommand.start(common.resolve());
    if (handle == null) {
      return 1;
    }
    try (handle) {
      var store = handle.platform.store();
      var page = store.listRuns(new RunQuery(experiment, status, limit, null));
      if (json) {
        JsonArray runs = new JsonArray();
        for (RunRecord r : page.items()) {
          runs.add(
              JsonMapping.toJson(r)
                  .put("params", new JsonObject(new LinkedHashMap<>(store.params(r.id()))))
                  .put("metrics", JsonMapping.lastValues(store.series(r.id()))));
        }
        System.out.println(
            new JsonObject()
                .put("runs", runs)
                .put("nextPageToken", page.nextPageToken())
                .encodePrettily());
        return 0;
      }
      Table table =
          new Table(
              "id", "experiment", "name", "status", "started", "duration", "device", "key metric");
      for (RunRecord r : page.items()) {
        Double d = JsonMapping.toJson(r).getDouble("durationSeconds");
        table.row(
            r.id(),
            r.experiment(),
            r.name(),
            r.status(),
            r.startedAt() == null ? "" : TIME.format(r.startedAt()),
            d == null ? "" : String.format(Locale.ROOT, "%.1f s", d),
            r.device(),
            keyMetric(store.series(r.id())));
      }
      if (table.isEmpty()) {
        System.out.println("no runs yet: try `cairn run experiments/softmax-fashion-mnist.yaml`");
      } else {
        table.print(System.out);
      }
      return 0;
    }
  }

  /** The same listing read from the server that owns the store (GET /api/runs). */
  private int throughServer(ServerLink link) {
    StringBuilder query = new StringBuilder("/api/runs?limit=" + limit);
    if (experiment != null) {
      query.append("&experiment=").append(URLEncoder.encode(experiment, StandardCharsets.UTF_8));
    }
    if (status != null) {
      query.append("&status=").append(status.name());
    }
    JsonObject page = link.get(query.toString());
    JsonArray runs = page.getJsonArray("runs", new JsonArray());
    if (json) {
      for (int i = 0; i < runs.size(); i++) {
        JsonObject r = runs.getJsonObject(i);
        r.put("params", link.get("/api/runs/" + r.getString("id") + "/params"));
      }
      System.out.println(
          new JsonObject()
              .put("runs", runs)
              .put("nextPageToken", page.getValue("nextPageToken"))
              .encodePrettily());
      return 0;
    }
    Table table =
        new Table(
            "id", "experiment", "name", "status", "started", "duration", "device", "key metric");
    for (int i = 0; i < runs.size(); i++) {
      JsonObject r = runs.getJsonObject(i);
      Double d = r.getDouble("durationSeconds");
      String started = r.getString("startedAt");
      table.row(
          r.getString("id"),
          r.getString("experiment"),
          r.getString("name"),
          r.getString("status"),
          started == null ? "" : TIME.format(Instant.parse(started)),
          d == null ? "" : String.format(Locale.ROOT, "%.1f s", d),
          r.getString("device", ""),
          keyMetric(r.getJsonObject("metrics", new JsonObject())));
    }
    if (table.isEmpty()) {
      System.out.println("no runs yet: try `cairn run experiments/softmax-fashion-mnist.yaml`");
    } else {
      table.print(System.out);
    }
    return 0;
  }

  static String keyMetric(JsonObject lastValues) {
    for (String tag : KEY_METRICS) {
      Object v = lastValues.getValue(tag);
      if (v instanceof Number n) {
        return tag.substring("epoch/".length()) + " " + ConsoleProgress.fmt(n.doubleValue());
      }
    }
    return "";
  }

  static String keyMetric(List<SeriesSummary> series) {
    for (String tag : KEY_METRICS) {
      for (SeriesSummary s : series) {
        if (s.tag().equals(tag)) {
          return tag.substring("epoch/".length()) + " " + ConsoleProgress.fmt(s.lastValue());
        }
      }
    }
    return "";
  }
}
