package dev.cairn.server.sweep;

import dev.cairn.core.spec.SpecResolver;
import dev.cairn.server.Platform;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/** Deploys the sweep controller on a platform and, with slots, a training node in the same JVM. */
public final class SweepHead {
  private SweepHead() {}

  /**
   * Blocks until deployed.
   *
   * @param localSlots trials this JVM trains at once (0: only remote workers train)
   */
  public static void deploy(
      Platform platform, SweepControllerVerticle.Settings settings, int localSlots)
      throws Exception {
    Future<String> controller =
        platform.vertx().deployVerticle(new SweepControllerVerticle(platform, settings));
    controller.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    if (localSlots > 0) {
      NodeResources here = NodeResources.detect();
      TrialWorkerVerticle.Settings local =
          new TrialWorkerVerticle.Settings(
              "local-" + ProcessHandle.current().pid(),
              here.host(),
              localSlots,
              here.cores(),
              here.gpus(),
              Long.MAX_VALUE,
              1000);
      platform
          .vertx()
          .deployVerticle(
              TrialWorkerVerticle.create(
                  local,
                  new SpecResolver(platform.plugins()),
                  platform.options().dataDir(),
                  platform.options().offline(),
                  null),
              new DeploymentOptions())
          .toCompletionStage()
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
    }
  }
}
