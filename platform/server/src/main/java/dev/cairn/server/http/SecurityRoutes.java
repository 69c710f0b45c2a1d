package dev.cairn.server.http;

import dev.cairn.core.security.AuditEntry;
import dev.cairn.core.security.SecurityStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code /api/auth/me}, {@code /api/auth/rules} and {@code /api/audit} (docs/security.md). */
final class SecurityRoutes {
  private final Vertx vertx;
  private final SecurityStore store;
  private final AuthSettings settings;
  private final Router router;

  private SecurityRoutes(Vertx vertx, SecurityStore store, AuthSettings settings, Router router) {
    this.vertx = vertx;
    this.store = store;
    this.settings = settings;
    this.router = router;
  }

  static void mount(Router router, Vertx vertx, SecurityStore store, AuthSettings settings) {
    SecurityRoutes r = new SecurityRoutes(vertx, store, settings, router);
    router.get("/api/auth/me").handler(r::me);
    router.get("/api/auth/rules").handler(r::rules);
    router.get("/api/audit").handler(r::audit);
  }

  private void me(RoutingContext ctx) {
    Principal p = settings.authRequired() ? Principal.of(ctx) : Principal.LOCAL;
    // /api/auth/me is public, so the handler ran without a token check: check one if sent
    String presented = AuthHandler.presentedToken(ctx.request());
    JsonObject out =
        new JsonObject()
            .put("authRequired", settings.authRequired())
            .put("publicRead", settings.publicRead());
    if (!settings.authRequired() || presented == null) {
      HttpSupport.json(
          ctx,
          200,
          out.put("authenticated", p.authenticated())
              .put("name", p.name())
              .put("scope", p.scope() == null ? null : p.scope().id()));
      return;
    }
    vertx
        .executeBlocking(() -> store.verify(presented), false)
        .onFailure(ctx::fail)
        .onSuccess(
            v -> {
              boolean ok = v.token() != null;
              HttpSupport.json(
                  ctx,
                  200,
                  out.put("authenticated", ok)
                      .put("name", ok ? v.token().name() : null)
                      .put("scope", ok ? v.token().scope().id() : null));
            });
  }

  private void audit(RoutingContext ctx) {
    int limit = HttpSupport.intParam(ctx, "limit", 100, 1, 10_000);
    HttpSupport.blocking(
        vertx,
        ctx,
        () -> {
          JsonArray entries = new JsonArray();
          for (AuditEntry e : store.auditTrail(limit)) {
            entries.add(
                new JsonObject()
                    .put("id", e.id())
                    .put("at", e.at().toString())
                    .put("actor", e.actor())
                    .put("action", e.action())
                    .put("target", e.target())
                    .put("address", e.address())
                    .put("detail", e.detail()));
          }
          return new JsonObject().put("entries", entries);
        });
  }

  private void rules(RoutingContext ctx) {
    JsonArray rules = new JsonArray();
    for (AccessRules.Rule r : AccessRules.all()) {
      rules.add(
          new JsonObject()
              .put("method", r.method().name())
              .put("path", r.path())
              .put("access", r.access().name().toLowerCase(Locale.ROOT))
              .put("audit", r.audit())
              .put("bodyLimit", r.bodyLimit()));
    }
    JsonArray unruled = new JsonArray();
    unruled(router).forEach(unruled::add);
    HttpSupport.json(ctx, 200, new JsonObject().put("rules", rules).put("unruled", unruled));
  }

  /** Mounted "METHOD path" routes that no rule is written for (they answer 404 to everyone). */
  static List<String> unruled(Router router) {
    List<String> out = new ArrayList<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() == null || route.methods() == null) {
        continue;
      }
      for (HttpMethod m : route.methods()) {
        if (!AccessRules.hasRuleFor(m, route.getPath())) {
          out.add(m.name() + " " + route.getPath());
        }
      }
    }
    return out;
  }
}
