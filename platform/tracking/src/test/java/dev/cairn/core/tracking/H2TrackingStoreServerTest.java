package dev.cairn.core.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store and its Flyway migrations on an H2 TCP server, as a team server would be set up. */
class H2TrackingStoreServerTest {
  @TempDir Path baseDir;

  @Test
  void worksOnAnH2ServerUrl() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    // a JVM of its own, so that h2.bindAddress holds before H2 reads it
    try (ChildJvm server =
        ChildJvm.start(
            List.of("-Dh2.bindAddress=127.0.0.1", "-Xmx256m"),
            "org.h2.tools.Server",
            "-tcp",
            "-tcpPort",
            String.valueOf(port),
            "-ifNotExists",
            "-baseDir",
            baseDir.toString())) {
      server.awaitLine("TCP server running", 60);
      String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/cairn";

      String runId;
      try (H2TrackingStore store = H2TrackingStore.open(url, "sa", "")) {
        runId = store.createRun(TestRuns.newRun("remote", "r")).id();
        store.writeScalars(TestRuns.points(runId, "loss", 0, 2_000));
        store.flush();
      }
      try (H2TrackingStore store = H2TrackingStore.open(url, "sa", "")) {
        assertThat(store.getRun(runId)).map(RunRecord::experiment).contains("remote");
        assertThat(store.readSeries(runId, "loss", 0).orElseThrow().size()).isEqualTo(2_000);
        assertThat(store.params(runId)).containsKey("optimizer.lr");
      }
    }
  }
}
