package dev.cairn.server.sweep;

import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiRoutes;
import dev.cairn.server.http.ServerLimits;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** Registers {@link SweepRoutes} with the REST API (see {@link ApiRoutes}). */
public final class SweepApi implements ApiRoutes {
  @Override
  public void mount(Router router, Vertx vertx, Platform platform) {
    mount(router, vertx, platform, ServerLimits.DEFAULTS);
  }

  @Override
  public void mount(Router router, Vertx vertx, Platform platform, ServerLimits limits) {
    SweepRoutes.mount(router, vertx, platform, limits);
  }
}
