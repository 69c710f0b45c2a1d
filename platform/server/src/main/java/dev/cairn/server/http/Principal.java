package dev.cairn.server.http;

import dev.cairn.core.security.Scope;
import io.vertx.ext.web.RoutingContext;

/**
 * Who is calling: a token's name and scope, {@code local} (admin) when the server requires no
 * token, or anonymous on a public route or a --public-read read.
 */
public record Principal(String name, Scope scope, boolean authenticated) {
  static final String KEY = "cairn.principal";
  static final Principal LOCAL = new Principal("local", Scope.ADMIN, true);
  static final Principal ANONYMOUS = new Principal(null, null, false);

  /** The caller of this request (set by {@link AuthHandler} before any route handler runs). */
  public static Principal of(RoutingContext ctx) {
    Principal p = ctx.get(KEY);
    return p == null ? ANONYMOUS : p;
  }

  /** The owner recorded on what this caller creates. */
  public String owner() {
    return name == null ? "local" : name;
  }

  public boolean isAdmin() {
    return scope == Scope.ADMIN;
  }
}
