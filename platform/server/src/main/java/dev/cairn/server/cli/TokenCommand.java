package dev.cairn.server.cli;

import dev.cairn.core.security.IssuedToken;
import dev.cairn.core.security.Scope;
import dev.cairn.core.security.SecurityStore;
import dev.cairn.core.security.TokenInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn token create | list | revoke}: API tokens for {@code cairn serve}
 * (docs/security.md).
 */
@Command(
    name = "token",
    description = "Create, list and revoke API tokens (see docs/security.md).",
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Revoke.class
    })
final class TokenCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println(
        "error: name a subcommand: cairn token create --name NAME | cairn token list | cairn token revoke NAME");
    return CairnCli.USAGE;
  }

  private static final Pattern DURATION = Pattern.compile("(\\d{1,6})([smhd])");

  /** {@code 90d}, {@code 12h}, {@code 30m}, {@code 45s}, or {@code never} (null). */
  static Duration parseExpiry(String raw) {
    String v = raw.trim().toLowerCase(Locale.ROOT);
    if (v.equals("never")) {
      return null;
    }
    Matcher m = DURATION.matcher(v);
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException(
          "--expires '"
              + raw
              + "' is not allowed; use a positive number with s, m, h or d"
              + " (e.g. 90d, 12h) or 'never'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  static Integer withStore(CommonOptions common, Function<SecurityStore, Integer> work) {
    PlatformCommand.Handle handle = PlatformCommand.start(common.resolve());
    if (handle == null) {
      return 1;
    }
    try (handle) {
      return work.apply(handle.platform.security());
    }
  }

  static String time(Instant t) {
    return t == null ? "" : t.toString();
  }

  @Command(name = "create", description = "Create a token and print it once.")
  static final class Create implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(
        names = "--name",
        required = true,
        description = "Unique name; it becomes the owner of what the token creates.")
    String name;

    @Option(
        names = "--scope",
        defaultValue = "read",
        description = "read, write or admin (default ${DEFAULT-VALUE}).")
    String scope;

    @Option(
        names = "--expires",
        defaultValue = "90d",
        description = "Lifetime: e.g. 90d, 12h, 30m, or never (default ${DEFAULT-VALUE}).")
    String expires;

    @Override
    public Integer call() {
      Scope s;
      Duration life;
      try {
        s = Scope.parse(scope);
        life = parseExpiry(expires);
      } catch (IllegalArgumentException e) {
        System.err.println("error: " + e.getMessage());
        return CairnCli.USAGE;
      }
      return withStore(
          common,
          store -> {
            IssuedToken t;
            try {
              t = store.createToken(name, s, life == null ? null : Instant.now().plus(life));
            } catch (IllegalArgumentException e) {
              System.err.println("error: " + e.getMessage());
              return CairnCli.USAGE;
            }
            store.audit("local", "token.create", name, "cli", "scope " + s.id());
            System.out.println(t.token());
            System.err.printf(
                "created token '%s' (scope %s, %s); it will not be shown again: store it now%n",
                name,
                s.id(),
                life == null ? "never expires" : "expires " + time(t.info().expiresAt()));
            return 0;
          });
    }
  }

  @Command(name = "list", description = "List tokens (never their secrets).")
  static final class ListTokens implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    @Override
    public Integer call() {
      return withStore(
          common,
          store -> {
            Instant now = Instant.now();
            var tokens = store.listTokens();
            if (json) {
              JsonArray out = new JsonArray();
              for (TokenInfo t : tokens) {
                out.add(
                    new JsonObject()
                        .put("name", t.name())
                        .put("scope", t.scope().id())
                        .put("state", t.state(now))
                        .put("createdAt", time(t.createdAt()))
                        .put("expiresAt", t.expiresAt() == null ? null : time(t.expiresAt()))
                        .put("revokedAt", t.revokedAt() == null ? null : time(t.revokedAt()))
                        .put("lastUsedAt", t.lastUsedAt() == null ? null : time(t.lastUsedAt())));
              }
              System.out.println(new JsonObject().put("tokens", out).encodePrettily());
              return 0;
            }
            if (tokens.isEmpty()) {
              System.out.println(
                  "no tokens: `cairn serve` on 127.0.0.1 needs none; create one with `cairn token create --name NAME`");
              return 0;
            }
            Table table = new Table("name", "scope", "state", "created", "expires", "last used");
            for (TokenInfo t : tokens) {
              table.row(
                  t.name(),
                  t.scope().id(),
                  t.state(now),
                  time(t.createdAt()),
                  t.expiresAt() == null ? "never" : time(t.expiresAt()),
                  time(t.lastUsedAt()));
            }
            table.print(System.out);
            return 0;
          });
    }
  }

  @Command(
      name = "revoke",
      description =
          "Revoke a token by name (at once on servers started afterwards; within 30 s on a running one).")
  static final class Revoke implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "The token's name.")
    String name;

    @Override
    public Integer call() {
      return withStore(
          common,
          store -> {
            if (store.revokeToken(name).isEmpty()) {
              System.err.println("error: no token named '" + name + "'; see `cairn token list`");
              return 1;
            }
            store.audit("local", "token.revoke", name, "cli", null);
            System.out.println("revoked token '" + name + "'");
            return 0;
          });
    }
  }
}
