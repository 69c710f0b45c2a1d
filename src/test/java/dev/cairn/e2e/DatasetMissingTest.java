package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's first command on a machine without the {@code dataset-fashion-mnist} package and without
 * network: the real CLI says in two lines what it tried (the Debian folder, the data dir, the
 * download URL) and the fix, with no stack trace. The package is hidden by pointing
 * CAIRN_FASHION_MNIST_DIR at an empty folder, the network by pointing the spec's download URL at a
 * closed port on 127.0.0.1.
 */
class DatasetMissingTest {
  @TempDir Path dir;

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private CairnProcess.Result runReadmeSpec(boolean offline, String url) throws Exception {
    String readme =
        Files.readString(CairnProcess.REPO.resolve("experiments/softmax-fashion-mnist.yaml"));
    assertThat(readme).contains("  plugin: fashion-mnist\n");
    Path spec = dir.resolve("softmax-fashion-mnist.yaml");
    Files.writeString(
        spec,
        url == null
            ? readme
            : readme.replace(
                "  plugin: fashion-mnist\n", "  plugin: fashion-mnist\n  url: " + url + "\n"));
    Path empty = Files.createDirectories(dir.resolve("no-debian-package"));
    ProcessBuilder pb = CairnProcess.builder(dir.resolve("data"), "run", spec.toString());
    pb.environment().put("CAIRN_FASHION_MNIST_DIR", empty.toString());
    if (!offline) {
      pb.environment().remove("CAIRN_OFFLINE");
    }
    return CairnProcess.run(pb, 3);
  }

  private void assertClearMessage(CairnProcess.Result r, String tried) {
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
    String all = r.stdout() + r.stderr();
    assertThat(all).doesNotContain("\tat ", "Caused by", "Exception:", "ERROR");
    assertThat(r.stderr()).isBlank();
    String cache =
        dir.resolve("data")
            .toAbsolutePath()
            .normalize()
            .resolve("datasets/fashion-mnist")
            .toString();
    assertThat(r.stdout().strip().lines().toList())
        .hasSize(3)
        .satisfies(
            lines -> {
              assertThat(lines.get(0))
                  .matches(
                      "run \\w+  course/softmax-fashion-mnist  FAILED: fashion-mnist: files not found in "
                          + Pattern.quote(
                              dir.resolve("no-debian-package")
                                  + " or "
                                  + cache
                                  + ", and "
                                  + tried));
              assertThat(lines.get(1))
                  .startsWith(
                      "fix: `apt-get install dataset-fashion-mnist`, or put train-images-idx3-ubyte,")
                  .endsWith(
                      "in a folder and name it with CAIRN_FASHION_MNIST_DIR=FOLDER (or dataset.folder in the spec)");
              assertThat(lines.get(2)).startsWith("run id: ");
            });
  }

  @Test
  void withoutThePackageAndWithoutNetworkItSaysWhatItTriedAndTheFix() throws Exception {
    int port = closedPort();
    CairnProcess.Result r = runReadmeSpec(false, "http://127.0.0.1:" + port + "/");
    assertClearMessage(
        r,
        "the download of http://127.0.0.1:"
            + port
            + "/train-images-idx3-ubyte.gz failed: cannot connect to 127.0.0.1:"
            + port
            + ".");
  }

  @Test
  void offlineItSaysTheSame() throws Exception {
    assertClearMessage(runReadmeSpec(true, null), "downloading is off (offline).");
  }
}
