package dev.cairn.server.cli;

import dev.cairn.core.security.AuditEntry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cairn audit}: the append-only record of deletes, stops, uploads and token changes. */
@Command(
    name = "audit",
    description = "Show the audit trail (deletes, stops, uploads, token changes), newest first.")
final class AuditCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--json", description = "Print JSON on stdout.")
  boolean json;

  @Option(
      names = "--limit",
      defaultValue = "50",
      description = "At most this many entries, 1..10000 (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    if (limit < 1 || limit > 10_000) {
      System.err.println("error: --limit must be between 1 and 10000");
      return CairnCli.USAGE;
    }
    return TokenCommand.withStore(
        common,
        store -> {
          var entries = store.auditTrail(limit);
          if (json) {
            JsonArray out = new JsonArray();
            entries.forEach(e -> out.add(toJson(e)));
            System.out.println(new JsonObject().put("entries", out).encodePrettily());
            return 0;
          }
          if (entries.isEmpty()) {
            System.out.println("the audit trail is empty");
            return 0;
          }
          Table table = new Table("when", "who", "action", "target", "from", "detail");
          for (AuditEntry e : entries) {
            table.row(
                e.at().toString(),
                e.actor(),
                e.action(),
                e.target(),
                e.address(),
                e.detail() == null ? "" : e.detail());
          }
          table.print(System.out);
          return 0;
        });
  }

  /** The JSON of one entry, shared with GET /api/audit. */
  public static JsonObject toJson(AuditEntry e) {
    return new JsonObject()
        .put("id", e.id())
        .put("at", e.at().toString())
        .put("actor", e.actor())
        .put("action", e.action())
        .put("target", e.target())
        .put("address", e.address())
        .put("detail", e.detail());
  }
}
