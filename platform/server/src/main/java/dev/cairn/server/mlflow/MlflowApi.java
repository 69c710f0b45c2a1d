package dev.cairn.server.mlflow;

import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiRoutes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * Registers {@link MlflowRoutes} (and the registry's) with the REST API (see {@link ApiRoutes}).
 */
public final class MlflowApi implements ApiRoutes {
  @Override
  public void mount(Router router, Vertx vertx, Platform platform) {
    MlflowRoutes.mount(router, vertx, platform);
  }

  /**
   * MLflow's bodies (up to {@link MlflowRoutes#MAX_BODY_BYTES}) are read by its own body handler.
   */
  @Override
  public boolean readsLargeBodies() {
    return true;
  }
}
