package dev.cairn.server.cluster;

import dev.cairn.core.plugins.PluginRegistry;
import dev.cairn.core.spec.SpecResolver;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.bus.MediaBatch;
import dev.cairn.server.bus.MediaBatchCodec;
import dev.cairn.server.bus.MetricBatch;
import dev.cairn.server.bus.MetricBatchCodec;
import dev.cairn.server.sweep.NodeResources;
import dev.cairn.server.sweep.TrialWorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster worker process: joins the head's cluster, trains the trials the head assigns, and when
 * the head goes away (killed, restarted) leaves the cluster, waits for the head's port to answer
 * again and rejoins. Runs until {@link #close()}.
 */
public final class WorkerNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerNode.class);

  /**
   * @param slots trials trained at once
   * @param headTimeoutMillis silence of the head after which this node rejoins
   */
  public record Settings(ClusterOptions cluster, int slots, long headTimeoutMillis) {}

  private final CairnOptions options;
  private final Settings settings;
  private final PluginRegistry plugins;
  private final NodeResources resources;
  private final String workerId;
  private volatile boolean closed;
  private volatile Vertx vertx;
  private volatile CompletableFuture<Void> lost;

  public WorkerNode(CairnOptions options, Settings settings, PluginRegistry plugins) {
    this.options = options;
    this.settings = settings;
    this.plugins = plugins;
    this.resources = NodeResources.detect();
    this.workerId = resources.host() + "-" + ProcessHandle.current().pid();
  }

  public String workerId() {
    return workerId;
  }

  public NodeResources resources() {
    return resources;
  }

  /** Joins, trains, rejoins after losing the head; returns when closed. */
  public void run(Runnable onJoined) throws InterruptedException {
    while (!closed) {
      waitForHead();
      if (closed) {
        return;
      }
      try {
        lost = new CompletableFuture<>();
        vertx = settings.cluster().startVertx(new VertxOptions().setWorkerPoolSize(4));
        vertx.eventBus().registerDefaultCodec(MetricBatch.class, new MetricBatchCodec());
        vertx.eventBus().registerDefaultCodec(MediaBatch.class, new MediaBatchCodec());
        TrialWorkerVerticle.Settings node =
            new TrialWorkerVerticle.Settings(
                workerId,
                resources.host(),
                settings.slots(),
                resources.cores(),
                resources.gpus(),
                settings.headTimeoutMillis(),
                1000);
        CompletableFuture<Void> lostNow = lost;
        vertx
            .deployVerticle(
                TrialWorkerVerticle.create(
                    node,
                    new SpecResolver(plugins),
                    options.dataDir(),
                    options.offline(),
                    () -> lostNow.complete(null)))
            .toCompletionStage()
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
        onJoined.run();
        lostNow.join();
        if (!closed) {
          LOG.warn("worker {}: lost the head; leaving the cluster to rejoin", workerId);
          System.err.println("worker " + workerId + ": lost the head; rejoining when it is back");
        }
      } catch (ClusterOptions.NotAdmittedException e) {
        throw e; // another secret than the head's: retrying cannot help
      } catch (Exception e) {
        LOG.warn("worker {}: {}", workerId, e.getMessage());
        System.err.println("worker " + workerId + ": " + e.getMessage() + "; retrying");
        Thread.sleep(1000);
      } finally {
        closeVertx();
      }
    }
  }

  /** Waits until a member's TCP port accepts connections. */
  private void waitForHead() throws InterruptedException {
    while (!closed) {
      for (String member : settings.cluster().members()) {
        String[] hp = ClusterOptions.hostPort(member);
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 1000);
          return;
        } catch (IOException e) {
          // not up yet
        }
      }
      Thread.sleep(1000);
    }
  }

  private void closeVertx() {
    Vertx v = vertx;
    vertx = null;
    if (v != null) {
      try {
        v.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("worker {}: vert.x did not close cleanly: {}", workerId, e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    CompletableFuture<Void> l = lost;
    if (l != null) {
      l.complete(null);
    }
  }
}
