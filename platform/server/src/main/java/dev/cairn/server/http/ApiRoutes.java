package dev.cairn.server.http;

import dev.cairn.server.Platform;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The routes of a feature package (sweeps, the tracking API) that {@link ApiVerticle} mounts.
 *
 * <p>The feature packages build on this package (errors, auth principal, JSON helpers), so {@code
 * http} must not name them: they register an implementation in {@code
 * META-INF/services/dev.cairn.server.http.ApiRoutes} and the API finds them there. Their access
 * rules still go into {@link AccessRules}, the one route table.
 */
public interface ApiRoutes {
  /** Adds the routes; called once per server, before the API's catch-all 404 route. */
  void mount(Router router, Vertx vertx, Platform platform);

  /**
   * Adds the routes of a server with these limits (routes that accept work check it against them
   * with {@link RunLimits}); by default the limits are not needed.
   */
  default void mount(Router router, Vertx vertx, Platform platform, ServerLimits limits) {
    mount(router, vertx, platform);
  }

  /**
   * Whether these routes read bodies larger than the API's 1 MiB limit with their own body handler:
   * they are then mounted before the general one.
   */
  default boolean readsLargeBodies() {
    return false;
  }

  /** The registered feature routes, in the order of the services file. */
  static List<ApiRoutes> installed() {
    return ServiceLoader.load(ApiRoutes.class, ApiRoutes.class.getClassLoader()).stream()
        .map(ServiceLoader.Provider::get)
        .toList();
  }
}
