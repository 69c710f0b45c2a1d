package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the client does without a server (a loopback port nothing listens on): {@code log} returns
 * at once and counts what a full queue cannot take, and close gives up after its timeout and counts
 * every unsent point. Against a real server: src/test's JavaClientTest.
 */
class CairnClientTest {
  @Test
  void fullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
    URI nowhere = URI.create("http://127.0.0.1:" + freePort());
    CairnClient client =
        CairnClient.builder()
            .setServer(nowhere)
            .optQueueCapacity(10)
            .optBatchPoints(10)
            .optMaxBackoff(Duration.ofMillis(50))
            .optCloseTimeout(Duration.ofMillis(300))
            .build();
    Run run = new Run(client, "offline");
    int logged = 1_000;
    for (int step = 0; step < logged; step++) {
      run.log("loss", step, step);
    }
    // at most the queue, the batch being packed, the one waiting for the wire and the one on it
    assertThat(run.droppedPoints()).isGreaterThanOrEqualTo(logged - 40);
    assertThat(client.droppedPoints()).isEqualTo(run.droppedPoints());
    client.close();
    assertThat(run.sentPoints()).isZero();
    assertThat(run.droppedPoints()).as("every point is either sent or counted").isEqualTo(logged);
  }

  @Test
  void blocksAreCheckedAtTheCallAndCountedWhenUnsent() throws Exception {
    URI nowhere = URI.create("http://127.0.0.1:" + freePort());
    CairnClient client =
        CairnClient.builder()
            .setServer(nowhere)
            .optBatchPoints(100)
            .optMaxBackoff(Duration.ofMillis(50))
            .optCloseTimeout(Duration.ofMillis(300))
            .build();
    Run run = new Run(client, "offline");
    assertThatThrownBy(() -> run.log("x", new long[] {0, 2, 2}, new double[3], null))
        .hasMessageContaining("steps[2]");
    assertThatThrownBy(() -> run.log("x", new long[] {0, 1}, new double[3], null))
        .hasMessageContaining("same length");
    long[] steps = new long[1_000];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = i;
    }
    run.log("x", steps, new double[steps.length], null);
    run.log(
        "x", new long[] {5, 6, 2_000}, new double[3], null); // 5 and 6 repeat steps of the block
    client.close();
    assertThat(run.sentPoints()).isZero();
    assertThat(run.droppedPoints()).as("every point is either sent or counted").isEqualTo(1_003);
  }

  @Test
  void startRunWithoutServerFailsAfterTheTimeout() throws Exception {
    URI nowhere = URI.create("http://127.0.0.1:" + freePort());
    try (CairnClient client =
        CairnClient.builder()
            .setServer(nowhere)
            .optMaxBackoff(Duration.ofMillis(50))
            .optCloseTimeout(Duration.ofMillis(300))
            .build()) {
      assertThatThrownBy(() -> client.startRun("e", "r", Map.of(), Map.of()))
          .isInstanceOf(CairnClientException.class)
          .hasMessageContaining("unreachable");
    }
  }

  @Test
  void builderNamesWhatIsMissingOrWrong() {
    assertThatThrownBy(() -> CairnClient.builder().build()).hasMessageContaining("setServer");
    assertThatThrownBy(() -> CairnClient.builder().optBatchPoints(100_001))
        .hasMessageContaining("1..100000");
    assertThatThrownBy(() -> CairnClient.builder().optQueueCapacity(0))
        .hasMessageContaining(">= 1");
  }

  @Test
  void badLogArgumentsFailAtTheCall() throws Exception {
    try (CairnClient client =
        CairnClient.builder()
            .setServer(URI.create("http://127.0.0.1:" + freePort()))
            .optCloseTimeout(Duration.ofMillis(200))
            .build()) {
      Run run = new Run(client, "offline");
      assertThatThrownBy(() -> run.log("", 0, 1)).hasMessageContaining("1..255");
      assertThatThrownBy(() -> run.log("x", -1, 1)).hasMessageContaining(">= 0");
      assertThatThrownBy(() -> run.logImage("img", 0, new byte[] {1, 2, 3}))
          .hasMessageContaining("not a PNG");
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
