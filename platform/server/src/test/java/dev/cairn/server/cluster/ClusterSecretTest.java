package dev.cairn.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real Hazelcast members with clustered Vert.x event buses in this JVM, on 127.0.0.1: the same
 * secret joins and talks, another secret is not admitted, and a message altered or stripped of its
 * signature on the way is refused with 403 and never reaches the consumer.
 */
class ClusterSecretTest {
  private static final String SECRET = "correct horse battery staple 42";
  private final List<Vertx> started = new CopyOnWriteArrayList<>();
  @TempDir Path dir;

  @AfterEach
  void close() throws Exception {
    for (Vertx v : started) {
      v.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private Vertx start(ClusterOptions options) {
    Vertx v = options.startVertx(new VertxOptions());
    started.add(v);
    return v;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void theSecretIsNeverShownAndDerivesOneClusterName() {
    ClusterSecret a = ClusterSecret.of(SECRET);
    assertThat(a.toString()).doesNotContain("horse");
    assertThat(a.clusterName())
        .startsWith("cairn-")
        .doesNotContain("horse")
        .isEqualTo(ClusterSecret.of(SECRET + "\n").clusterName());
    assertThat(ClusterSecret.of(SECRET + "!").clusterName()).isNotEqualTo(a.clusterName());
    assertThat(new ClusterOptions("127.0.0.1", 5701, List.of(), a).toString())
        .doesNotContain("horse");
    assertThatThrownBy(() -> ClusterSecret.of("short"))
        .hasMessage(
            "the cluster secret has 5 characters; it needs at least 16 (make one with: openssl rand -base64 32)");
  }

  @Test
  void secretComesFromTheFileThenTheEnvironment() throws Exception {
    Path file = Files.writeString(dir.resolve("cluster.secret"), SECRET + "\n");
    assertThat(ClusterSecret.resolve(file, "another secret of some length").clusterName())
        .isEqualTo(ClusterSecret.of(SECRET).clusterName());
    assertThat(ClusterSecret.resolve(null, SECRET).clusterName())
        .isEqualTo(ClusterSecret.of(SECRET).clusterName());
    assertThat(ClusterSecret.resolve(null, null)).isNull();
    assertThatThrownBy(() -> ClusterSecret.resolve(dir.resolve("missing"), null))
        .hasMessageStartingWith(
            "--cluster-secret-file " + dir.resolve("missing") + ": cannot read it");
    assertThatThrownBy(() -> ClusterSecret.resolve(null, "tiny"))
        .hasMessageStartingWith("CAIRN_CLUSTER_SECRET: the cluster secret has 4 characters");
  }

  @Test
  void aClusterOffLoopbackWithoutSecretIsRefusedNamingTheFix() {
    assertThat(new ClusterOptions("127.0.0.1", 5701, List.of()).refusal()).isNull();
    assertThat(new ClusterOptions("127.0.0.1", 5702, List.of("localhost:5701")).refusal()).isNull();
    assertThat(new ClusterOptions("10.1.2.3", 5701, List.of()).refusal())
        .isEqualTo(
            "a cluster on 10.1.2.3 (not loopback) needs a shared secret: put one in a file (openssl rand -base64 32 > cluster.secret; "
                + "chmod 600 cluster.secret) and pass --cluster-secret-file cluster.secret (or set CAIRN_CLUSTER_SECRET) on the head and every worker");
    assertThat(new ClusterOptions("127.0.0.1", 5702, List.of("10.1.2.3:5701")).refusal())
        .contains("10.1.2.3 (not loopback)");
    assertThat(new ClusterOptions("10.1.2.3", 5701, List.of(), ClusterSecret.of(SECRET)).refusal())
        .isNull();
  }

  @Test
  void membersWithTheSameSecretTalkAndAnotherSecretIsNotAdmitted() throws Exception {
    int port = LocalWorkers.freePort();
    Vertx head = start(new ClusterOptions("127.0.0.1", port, List.of(), ClusterSecret.of(SECRET)));
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    await(
        head.eventBus()
            .<JsonObject>consumer(
                "test.hello",
                m -> {
                  received.add(m.body().copy().put("runId", m.headers().get("runId")));
                  m.reply(new JsonObject().put("welcome", m.body().getString("workerId")));
                })
            .completion());

    Vertx member =
        start(
            new ClusterOptions(
                "127.0.0.1", port + 1, List.of("127.0.0.1:" + port), ClusterSecret.of(SECRET)));
    JsonObject reply =
        await(
                member
                    .eventBus()
                    .<JsonObject>request(
                        "test.hello",
                        new JsonObject().put("workerId", "w1").put("lr", 0.001),
                        new DeliveryOptions().addHeader("runId", "r1")))
            .body();
    assertThat(reply).isEqualTo(new JsonObject().put("welcome", "w1"));
    assertThat(received)
        .containsExactly(
            new JsonObject().put("workerId", "w1").put("lr", 0.001).put("runId", "r1"));

    // a worker with another secret computes another cluster name: the head does not admit it
    ClusterOptions wrong =
        new ClusterOptions(
            "127.0.0.1", port + 1, List.of("127.0.0.1:" + port), ClusterSecret.of(SECRET + "?"));
    assertThatThrownBy(() -> start(wrong))
        .isInstanceOf(ClusterOptions.NotAdmittedException.class)
        .hasMessage(
            "the head at 127.0.0.1:"
                + port
                + " did not admit this node to its cluster: their cluster secrets differ "
                + "(or only one of them has one); give both the same --cluster-secret-file or CAIRN_CLUSTER_SECRET");
    // so does one without a secret
    assertThatThrownBy(
            () -> start(new ClusterOptions("127.0.0.1", port + 1, List.of("127.0.0.1:" + port))))
        .isInstanceOf(ClusterOptions.NotAdmittedException.class);
    assertThat(received).hasSize(1);
  }

  @Test
  void aMessageAlteredOrUnsignedOnTheWayIsRefused() throws Exception {
    int port = LocalWorkers.freePort();
    Vertx head = start(new ClusterOptions("127.0.0.1", port, List.of(), ClusterSecret.of(SECRET)));
    List<String> received = new CopyOnWriteArrayList<>();
    await(
        head.eventBus()
            .<JsonObject>consumer(
                "test.assign",
                m -> {
                  received.add(m.headers().get("runId"));
                  m.reply("ok");
                })
            .completion());
    Vertx member =
        start(
            new ClusterOptions(
                "127.0.0.1", port + 1, List.of("127.0.0.1:" + port), ClusterSecret.of(SECRET)));
    // what a process in the middle would do: change a header after signing, or drop the signature
    member
        .eventBus()
        .addOutboundInterceptor(
            ctx -> {
              String tamper = ctx.message().headers().get("tamper");
              if ("runId".equals(tamper)) {
                ctx.message().headers().set("runId", "someone-else's-run");
              } else if ("unsign".equals(tamper)) {
                ctx.message().headers().remove(ClusterMessageAuth.MAC);
              }
              ctx.next();
            });
    JsonObject body = new JsonObject().put("op", "assign");
    assertThat(
            await(
                    member
                        .eventBus()
                        .<String>request(
                            "test.assign", body, new DeliveryOptions().addHeader("runId", "r1")))
                .body())
        .isEqualTo("ok");
    for (String tamper : List.of("runId", "unsign")) {
      ExecutionException e =
          Assertions.assertThrows(
              ExecutionException.class,
              () ->
                  await(
                      member
                          .eventBus()
                          .request(
                              "test.assign",
                              body,
                              new DeliveryOptions()
                                  .addHeader("runId", "r2")
                                  .addHeader("tamper", tamper))));
      assertThat(e.getCause()).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) e.getCause()).failureCode()).isEqualTo(403);
      assertThat(e.getCause().getMessage())
          .startsWith("refused by a cluster member: the message")
          .contains(tamper.equals("runId") ? "signature does not match" : "not signed")
          .endsWith("the head and every worker need the same cluster secret");
    }
    assertThat(received).containsExactly("r1");
  }
}
