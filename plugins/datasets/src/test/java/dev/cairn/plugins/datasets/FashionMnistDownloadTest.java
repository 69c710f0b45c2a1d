package dev.cairn.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.Params;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The download path against a local HTTP server on 127.0.0.1. The happy path serves the official
 * gzip files, rebuilt byte for byte from Debian's copies: Debian keeps the compressed data but
 * rewrites the 10-byte gzip header, dropping the original file name and time stamp.
 */
class FashionMnistDownloadTest {
  /** The gzip MTIME fields of the official files (2017-08-31). */
  private static final Map<String, Integer> OFFICIAL_MTIME =
      Map.of(
          FashionMnistFiles.TRAIN_IMAGES,
          1504176606,
          FashionMnistFiles.TRAIN_LABELS,
          1504176606,
          FashionMnistFiles.TEST_IMAGES,
          1504176627,
          FashionMnistFiles.TEST_LABELS,
          1504176627);

  @TempDir Path tmp;
  private HttpServer server;
  private final Map<String, byte[]> served = new ConcurrentHashMap<>();
  private final Map<String, Integer> cutAfter = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private FashionMnistDataset dataset;
  private DatasetContext context;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::serve);
    server.start();
    dataset = new FashionMnistDataset(tmp.resolve("no-system-dir"), Downloader::new);
    context = new DatasetContext(tmp.resolve("data"), 7, false);
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private void serve(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    String name = exchange.getRequestURI().getPath().replaceFirst(".*/", "");
    byte[] body = served.get(name);
    try (exchange;
        OutputStream out = exchange.getResponseBody()) {
      if (body == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      // a connection that dies mid-body: announce the full length, send only the start
      out.write(body, 0, cutAfter.getOrDefault(name, body.length));
    }
  }

  private Params params() {
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/mirror/";
    return Params.validate("dataset", dataset.params(), Map.of("url", url, "limit", 10));
  }

  private Path cache() {
    return context.cacheDir("fashion-mnist");
  }

  private static byte[] officialFile(String name) throws IOException {
    byte[] debian = Files.readAllBytes(FashionMnistDataset.DEBIAN_DIR.resolve(name + ".gz"));
    assertThat(debian[3]).as("Debian's gzip header carries no optional fields").isZero();
    byte[] fileName = (name + "\0").getBytes(StandardCharsets.ISO_8859_1);
    byte[] official = new byte[debian.length + fileName.length];
    System.arraycopy(debian, 0, official, 0, 10);
    official[3] = 0x08; // FNAME
    int mtime = OFFICIAL_MTIME.get(name);
    for (int i = 0; i < 4; i++) {
      official[4 + i] = (byte) (mtime >>> (8 * i));
    }
    System.arraycopy(fileName, 0, official, 10, fileName.length);
    System.arraycopy(debian, 10, official, 10 + fileName.length, debian.length - 10);
    return official;
  }

  private void serveOfficialFiles() throws IOException {
    assumeTrue(
        Files.isDirectory(FashionMnistDataset.DEBIAN_DIR), "dataset-fashion-mnist not installed");
    for (String name : FashionMnistFiles.ALL) {
      served.put(name + ".gz", officialFile(name));
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void checksumsAreThoseOfTheOfficialFilesRebuiltFromDebian() throws Exception {
    serveOfficialFiles();
    for (String name : FashionMnistFiles.ALL) {
      assertThat(sha256(served.get(name + ".gz")))
          .as(name)
          .isEqualTo(FashionMnistFiles.SHA256.get(name));
    }
  }

  @Test
  void downloadsVerifiesAndThenUsesTheCache() throws Exception {
    serveOfficialFiles();
    DatasetSplits splits = dataset.load(params(), context);

    assertThat(splits.train().features().shape()).containsExactly(10, 1, 28, 28);
    assertThat(splits.train().labels().data()[0]).isEqualTo(9f);
    assertThat(requests.get()).isEqualTo(4);
    try (Stream<Path> files = Files.list(cache())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
              "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
    }
    for (String name : FashionMnistFiles.ALL) {
      assertThat(Files.readAllBytes(cache().resolve(name + ".gz")))
          .isEqualTo(served.get(name + ".gz"));
    }

    dataset.load(params(), context);
    assertThat(requests.get()).as("second load reads the cache").isEqualTo(4);
  }

  @Test
  void onlyMissingFilesAreDownloaded() throws Exception {
    serveOfficialFiles();
    Files.createDirectories(cache());
    Files.write(
        cache().resolve("train-images-idx3-ubyte.gz"), served.get("train-images-idx3-ubyte.gz"));
    dataset.load(params(), context);
    assertThat(requests.get()).isEqualTo(3);
  }

  @Test
  void httpErrorNamesTheUrlAndLeavesNothingBehind() throws IOException {
    assertThatThrownBy(() -> dataset.load(params(), context))
        .isInstanceOf(IOException.class)
        .hasMessageFindingMatch(
            "download of http://127\\.0\\.0\\.1:\\d+/mirror/"
                + "train-images-idx3-ubyte\\.gz failed: HTTP 404\\.\n");
    assertThat(cacheFiles()).isEmpty();
  }

  @Test
  void badChecksumLeavesNothingBehind() throws IOException {
    served.put(
        "train-images-idx3-ubyte.gz",
        "<html>a captive portal</html>".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> dataset.load(params(), context))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(
            "/mirror/train-images-idx3-ubyte.gz failed: checksum mismatch, expected SHA-256 "
                + FashionMnistFiles.SHA256.get(FashionMnistFiles.TRAIN_IMAGES))
        .hasMessageContaining("(29 bytes); nothing was saved");
    assertThat(cacheFiles()).isEmpty();
  }

  @Test
  void truncatedFileFailsItsChecksum() throws Exception {
    serveOfficialFiles();
    byte[] full = served.get("t10k-labels-idx1-ubyte.gz");
    served.put("t10k-labels-idx1-ubyte.gz", Arrays.copyOf(full, 1000));
    assertThatThrownBy(() -> dataset.load(params(), context))
        .hasMessageContaining("t10k-labels-idx1-ubyte.gz failed: checksum mismatch")
        .hasMessageContaining("(1000 bytes)");
    assertThat(cacheFiles())
        .doesNotContain("t10k-labels-idx1-ubyte.gz")
        .noneMatch(f -> f.endsWith(".part"));
  }

  @Test
  void connectionDroppedMidBodyLeavesNothingBehind() throws Exception {
    serveOfficialFiles();
    cutAfter.put("train-images-idx3-ubyte.gz", 4096);
    assertThatThrownBy(() -> dataset.load(params(), context))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("download of http://127.0.0.1:")
        .hasMessageContaining("train-images-idx3-ubyte.gz failed after ");
    assertThat(cacheFiles()).isEmpty();
  }

  @Test
  void unreachableServerSaysWhatWasTriedAndTheFixInTwoLines() {
    server.stop(0);
    assertThatThrownBy(() -> dataset.load(params(), context))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("train-images-idx3-ubyte.gz failed: ")
        .satisfies(
            e -> {
              List<String> lines = e.getMessage().lines().toList();
              assertThat(lines).hasSize(2);
              assertThat(lines.get(0))
                  .startsWith(
                      "fashion-mnist: files not found in "
                          + tmp.resolve("no-system-dir")
                          + " or "
                          + cache()
                          + ", and the download of http://127.0.0.1:");
              assertThat(lines.get(1))
                  .startsWith("fix: `apt-get install dataset-fashion-mnist`, or put ")
                  .contains("CAIRN_FASHION_MNIST_DIR=FOLDER");
            });
  }

  private List<String> cacheFiles() throws IOException {
    if (!Files.isDirectory(cache())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(cache())) {
      return files.map(p -> p.getFileName().toString()).toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
