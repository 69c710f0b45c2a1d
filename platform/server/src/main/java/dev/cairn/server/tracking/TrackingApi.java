package dev.cairn.server.tracking;

import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiRoutes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** Registers {@link TrackingRoutes} with the REST API (see {@link ApiRoutes}). */
public final class TrackingApi implements ApiRoutes {
  @Override
  public void mount(Router router, Vertx vertx, Platform platform) {
    TrackingRoutes.mount(router, vertx, platform);
  }

  /**
   * Batches of points: up to {@link TrackingRoutes#MAX_BODY_BYTES}, read by its own body handler.
   */
  @Override
  public boolean readsLargeBodies() {
    return true;
  }
}
