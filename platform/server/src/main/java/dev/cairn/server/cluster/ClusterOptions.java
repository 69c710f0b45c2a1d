package dev.cairn.server.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * How a node joins the Vert.x cluster: Hazelcast with TCP/IP members only (multicast and every
 * other discovery off), bound to {@code host}, listening from {@code port} (the next free port when
 * it is taken, so several JVMs share one machine), and the event bus on the same host.
 *
 * @param host interface to bind and advertise, e.g. 127.0.0.1 or the machine's LAN address
 * @param port first Hazelcast port to try
 * @param members {@code host:port} of members to join (the head); empty for the head itself
 * @param secret the secret head and workers share (see {@link ClusterSecret}); null only on
 *     loopback
 */
public record ClusterOptions(String host, int port, List<String> members, ClusterSecret secret) {
  /** Hazelcast's default port; the head listens here unless told otherwise. */
  public static final int DEFAULT_PORT = 5701;

  public ClusterOptions {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("cluster port must be 1..65535, got " + port);
    }
    members = List.copyOf(members);
  }

  /** Without a secret: only for a cluster on loopback addresses. */
  public ClusterOptions(String host, int port, List<String> members) {
    this(host, port, members, null);
  }

  /**
   * Null when this node may start; else the one line that says why not and what to do: a cluster
   * reachable from other machines needs a secret, or anyone who reaches its port joins.
   */
  public String refusal() {
    if (secret != null) {
      return null;
    }
    List<String> hosts = new ArrayList<>(List.of(host));
    members.forEach(m -> hosts.add(hostPort(m)[0]));
    if (ClusterSecret.allLoopback(hosts)) {
      return null;
    }
    return "a cluster on "
        + String.join(", ", new LinkedHashSet<>(hosts))
        + " (not loopback) needs a shared secret: "
        + "put one in a file (openssl rand -base64 32 > cluster.secret; chmod 600 cluster.secret) and pass "
        + "--cluster-secret-file cluster.secret (or set "
        + ClusterSecret.ENV
        + ") on the head and every worker";
  }

  /** The Hazelcast configuration: Vert.x's defaults (its maps) with this node's network. */
  public Config hazelcastConfig() {
    Config config = ConfigUtil.loadConfig();
    // a member with another secret computes another name: Hazelcast does not admit it
    config.setClusterName(secret != null ? secret.clusterName() : "cairn");
    // the head keeps its port (workers look for it there); workers take the next free one
    config
        .getNetworkConfig()
        .setPort(port)
        .setPortAutoIncrement(!members.isEmpty())
        .setPortCount(100);
    config.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(List.of(host));
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig()
        .setEnabled(true)
        .setMembers(members.isEmpty() ? List.of(host + ":" + port) : members)
        .setConnectionTimeoutSeconds(2);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    // a killed member is dropped within seconds, not Hazelcast's default minute
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "8");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    return config;
  }

  /** Starts a clustered Vert.x (blocking, at most a minute). */
  public Vertx startVertx(VertxOptions options) {
    System.setProperty("hazelcast.logging.type", "slf4j");
    // members coming and going is what a cluster does: keep their connection errors out of the
    // console unless asked for (CAIRN_LOG_LEVEL=info shows them)
    if (!"info".equalsIgnoreCase(System.getenv("CAIRN_LOG_LEVEL"))
        && !"debug".equalsIgnoreCase(System.getenv("CAIRN_LOG_LEVEL"))) {
      System.setProperty("org.slf4j.simpleLogger.log.com.hazelcast", "error");
      System.setProperty(
          "org.slf4j.simpleLogger.log.io.vertx.core.eventbus.impl.clustered", "error");
    }
    options.setEventBusOptions(
        new EventBusOptions().setHost(host).setPort(0).setClusterPublicHost(host));
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig());
    Vertx vertx;
    try {
      vertx =
          Vertx.builder()
              .with(options)
              .withClusterManager(manager)
              .buildClustered()
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(
          "cannot join the cluster at "
              + (members.isEmpty() ? host + ":" + port : members)
              + ": "
              + cause.getMessage(),
          cause);
    }
    if (secret != null) {
      ClusterMessageAuth.install(vertx, secret);
    }
    // a worker whose head answered on its port but left it out of its cluster has another secret
    if (!members.isEmpty() && manager.getNodes().size() < 2) {
      vertx.close();
      throw new NotAdmittedException(
          "the head at "
              + String.join(",", members)
              + " did not admit this node to its cluster: "
              + "their cluster secrets differ (or only one of them has one); give both the same --cluster-secret-file or "
              + ClusterSecret.ENV);
    }
    return vertx;
  }

  /** A head answered but did not take this node into its cluster. */
  public static final class NotAdmittedException extends IllegalStateException {
    NotAdmittedException(String message) {
      super(message);
    }
  }

  /** Parses {@code host:port}. */
  public static String[] hostPort(String member) {
    int colon = member.lastIndexOf(':');
    if (colon <= 0 || colon == member.length() - 1) {
      throw new IllegalArgumentException("'" + member + "' is not host:port, e.g. 127.0.0.1:5701");
    }
    Integer.parseInt(member.substring(colon + 1));
    return new String[] {member.substring(0, colon), member.substring(colon + 1)};
  }
}
