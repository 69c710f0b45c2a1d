package dev.cairn.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Task;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MNIST, CIFAR-10, image folders and CSV, on small files the tests write in the official formats.
 */
class CourseFileDatasetsTest {
  @TempDir Path tmp;

  private DatasetSplits load(DatasetProvider provider, Map<String, ?> raw, boolean offline)
      throws IOException {
    return provider.load(
        Params.validate("dataset", provider.params(), raw),
        new DatasetContext(tmp.resolve("data"), 3, offline));
  }

  @Test
  void mnistReadsTheIdxFilesOfAFolder() throws Exception {
    Path dir = IdxFiles.fashionFolder(tmp.resolve("mnist"), 12, 5);
    DatasetSplits splits = load(new MnistDataset(), Map.of("folder", dir.toString()), true);
    assertThat(splits.train().features().shape()).containsExactly(12, 1, 28, 28);
    assertThat(splits.test().labels().data()).containsExactly(0, 1, 2, 3, 4);
    assertThat(splits.info().classLabels()).hasSize(10).startsWith("0", "1");
    assertThat(splits.train().features().data()[1]).isEqualTo(1 / 255f);
  }

  @Test
  void mnistDownloadsIntoTheCacheCheckingMd5() throws Exception {
    Map<String, byte[]> files =
        Map.of(
            FashionMnistFiles.TRAIN_IMAGES, IdxFiles.gzip(IdxFiles.images(6)),
            FashionMnistFiles.TRAIN_LABELS, IdxFiles.gzip(IdxFiles.labels(6)),
            FashionMnistFiles.TEST_IMAGES, IdxFiles.gzip(IdxFiles.images(3)),
            FashionMnistFiles.TEST_LABELS, IdxFiles.gzip(IdxFiles.labels(3)));
    Map<String, String> md5 = new HashMap<>();
    for (var e : files.entrySet()) {
      md5.put(
          e.getKey(),
          HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(e.getValue())));
    }
    HttpServer server = serve(files);
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/mnist/";
      DatasetSplits splits =
          load(new MnistDataset(Downloader::new, md5), Map.of("url", url), false);
      assertThat(splits.train().size()).isEqualTo(6);
      assertThat(tmp.resolve("data/datasets/mnist/" + FashionMnistFiles.TEST_LABELS + ".gz"))
          .exists();
      // a file whose checksum differs is refused and nothing is kept
      Map<String, String> wrong = new HashMap<>(md5);
      wrong.put(FashionMnistFiles.TRAIN_IMAGES, "0".repeat(32));
      Path cache = tmp.resolve("data/datasets/mnist");
      try (var paths = Files.list(cache)) {
        for (Path p : paths.toList()) {
          Files.delete(p);
        }
      }
      assertThatThrownBy(
              () -> load(new MnistDataset(Downloader::new, wrong), Map.of("url", url), false))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("checksum mismatch, expected MD5 00000000");
      assertThat(cache.resolve(FashionMnistFiles.TRAIN_IMAGES + ".gz")).doesNotExist();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void mnistOfflineWithoutFilesSaysWhatToDo() {
    assertThatThrownBy(() -> load(new MnistDataset(), Map.of(), true))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("downloading is off (offline)")
        .hasMessageContaining("'folder'");
  }

  private static HttpServer serve(Map<String, byte[]> files) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String name =
              exchange.getRequestURI().getPath().replaceFirst(".*/", "").replace(".gz", "");
          byte[] body = files.get(name);
          if (body == null) {
            body = files.get(exchange.getRequestURI().getPath().replaceFirst(".*/", ""));
          }
          try (exchange;
              OutputStream out = exchange.getResponseBody()) {
            if (body == null) {
              exchange.sendResponseHeaders(404, -1);
            } else {
              exchange.sendResponseHeaders(200, body.length);
              out.write(body);
            }
          }
        });
    server.start();
    return server;
  }

  /** {@code n} CIFAR records: label i % 10, pixel p = (i + p) % 256. */
  private static byte[] cifarRecords(int n, int firstIndex) {
    byte[] out = new byte[n * Cifar10Dataset.RECORD];
    for (int i = 0; i < n; i++) {
      int at = i * Cifar10Dataset.RECORD;
      out[at] = (byte) ((firstIndex + i) % 10);
      for (int p = 0; p < Cifar10Dataset.PIXELS; p++) {
        out[at + 1 + p] = (byte) ((firstIndex + i + p) % 256);
      }
    }
    return out;
  }

  private static Map<String, byte[]> cifarFiles() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int b = 0; b < 5; b++) {
      files.put(Cifar10Dataset.TRAIN_FILES.get(b), cifarRecords(2, 2 * b));
    }
    files.put(Cifar10Dataset.TEST_FILE, cifarRecords(3, 100));
    return files;
  }

  @Test
  void cifarReadsTheBinaryBatchesInOrder() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("cifar/" + Cifar10Dataset.FOLDER));
    for (var e : cifarFiles().entrySet()) {
      Files.write(dir.resolve(e.getKey()), e.getValue());
    }
    // the parent folder works too: the batches sit in cifar-10-batches-bin/
    DatasetSplits splits =
        load(new Cifar10Dataset(), Map.of("folder", tmp.resolve("cifar").toString()), true);
    assertThat(splits.train().features().shape()).containsExactly(10, 3, 32, 32);
    assertThat(splits.train().labels().data()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(splits.test().labels().data()).containsExactly(0, 1, 2);
    // record 3 (label 3), green channel's first pixel is byte (3 + 1024) % 256
    float[] x = splits.train().features().data();
    assertThat(x[3 * Cifar10Dataset.PIXELS + 1024])
        .isCloseTo(((3 + 1024) % 256) / 255f, within(1e-7f));
    assertThat(splits.info().classLabels()).contains("airplane", "truck");
    DatasetSplits limited =
        load(new Cifar10Dataset(), Map.of("folder", dir.toString(), "limit", 3), true);
    assertThat(limited.train().size()).isEqualTo(3);
  }

  @Test
  void cifarUnpacksTheOfficialArchiveAndRefusesBrokenFiles() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("archive"));
    Files.write(dir.resolve(Cifar10Dataset.ARCHIVE), tarGz(cifarFiles()));
    DatasetSplits splits = load(new Cifar10Dataset(), Map.of("folder", dir.toString()), true);
    assertThat(splits.train().size()).isEqualTo(10);
    assertThat(tmp.resolve("data/datasets/cifar-10/test_batch.bin")).exists();

    Path broken = Files.createDirectories(tmp.resolve("broken"));
    for (var e : cifarFiles().entrySet()) {
      Files.write(broken.resolve(e.getKey()), e.getValue());
    }
    Files.write(broken.resolve(Cifar10Dataset.TEST_FILE), new byte[100]);
    assertThatThrownBy(() -> load(new Cifar10Dataset(), Map.of("folder", broken.toString()), true))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "test_batch.bin: 100 bytes is not a whole number of 3073-byte CIFAR-10 records"
                + " (1 label byte + 3x32x32 pixels)");
  }

  /** A gzipped ustar archive with the files under cifar-10-batches-bin/, as the official one. */
  private static byte[] tarGz(Map<String, byte[]> files) throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    byte[] readme = "a readme that is not extracted".getBytes(StandardCharsets.US_ASCII);
    entry(tar, Cifar10Dataset.FOLDER + "/readme.html", readme);
    for (var e : files.entrySet()) {
      entry(tar, Cifar10Dataset.FOLDER + "/" + e.getKey(), e.getValue());
    }
    tar.write(new byte[1024]);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(tar.toByteArray());
    }
    return gz.toByteArray();
  }

  private static void entry(ByteArrayOutputStream tar, String name, byte[] body)
      throws IOException {
    byte[] header = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, header, 0, n.length);
    byte[] size = String.format("%011o", body.length).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(size, 0, header, 124, size.length);
    header[156] = '0';
    tar.write(header);
    tar.write(body);
    tar.write(new byte[(512 - body.length % 512) % 512]);
  }

  private static void image(Path file, String format, Color color, int w, int h)
      throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    var g = img.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, w, h);
    g.dispose();
    Files.createDirectories(file.getParent());
    ImageIO.write(img, format, file.toFile());
  }

  @Test
  void imageFolderReadsPngAndJpegPerClassFolder() throws Exception {
    Path root = tmp.resolve("hymenoptera");
    image(root.resolve("train/ants/a1.png"), "png", Color.RED, 10, 6);
    image(root.resolve("train/ants/a2.jpg"), "jpg", Color.RED, 20, 20);
    image(root.resolve("train/bees/b1.png"), "png", Color.BLUE, 8, 8);
    image(root.resolve("val/bees/b2.png"), "png", Color.BLUE, 8, 8);
    Files.writeString(root.resolve("train/bees/notes.txt"), "not an image");
    DatasetSplits splits =
        load(new ImageFolderDataset(), Map.of("folder", root.toString(), "size", 4), true);
    assertThat(splits.info().classLabels()).containsExactly("ants", "bees");
    assertThat(splits.train().features().shape()).containsExactly(3, 3, 4, 4);
    assertThat(splits.train().labels().data()).containsExactly(0, 0, 1);
    assertThat(splits.validation().labels().data()).containsExactly(1);
    float[] x = splits.train().features().data();
    assertThat(x[0]).as("red of a red PNG").isEqualTo(1f);
    assertThat(x[16]).as("green of a red PNG").isEqualTo(0f);
    assertThat(x[48]).as("red of a red JPEG").isGreaterThan(0.9f);
    DatasetSplits grey =
        load(
            new ImageFolderDataset(),
            Map.of("folder", root.resolve("train").toString(), "size", 2, "grey", true),
            true);
    assertThat(grey.train().features().shape()).containsExactly(3, 1, 2, 2);
    assertThat(grey.validation()).isNull();
  }

  @Test
  void imageFolderErrorsNameTheFolder() throws Exception {
    Path root = tmp.resolve("one-class");
    image(root.resolve("ants/a.png"), "png", Color.RED, 4, 4);
    assertThatThrownBy(
            () -> load(new ImageFolderDataset(), Map.of("folder", root.toString()), true))
        .hasMessageContaining("needs at least 2 class sub-folders");
    Path corrupt = tmp.resolve("corrupt");
    image(corrupt.resolve("ants/a.png"), "png", Color.RED, 4, 4);
    Files.createDirectories(corrupt.resolve("bees"));
    Files.writeString(corrupt.resolve("bees/b.png"), "not a png");
    assertThatThrownBy(
            () -> load(new ImageFolderDataset(), Map.of("folder", corrupt.toString()), true))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("b.png");
    assertThatThrownBy(() -> load(new ImageFolderDataset(), Map.of(), true))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("dataset.folder: missing");
  }

  @Test
  void csvEncodesNumericAndCategoricalColumns() throws Exception {
    Path train = tmp.resolve("houses.csv");
    Files.writeString(
        train,
        String.join(
            "\n",
            "id,area,zone,price",
            "1,100,RL,200.5",
            "2,,RM,150",
            "3,200,\"RL\",300",
            "4,300,,400"));
    DatasetSplits splits =
        load(new CsvDataset(), Map.of("file", train.toString(), "ignore", "id"), true);
    assertThat(splits.info().task()).isEqualTo(Task.REGRESSION);
    // area (missing -> mean 200), zone one-hot [RL, RM, missing]
    assertThat(splits.train().features().shape()).containsExactly(4, 4);
    assertThat(splits.train().features().data())
        .containsExactly(100, 1, 0, 0, 200, 0, 1, 0, 200, 1, 0, 0, 300, 0, 0, 1);
    assertThat(splits.train().labels().data()).containsExactly(200.5f, 150, 300, 400);
  }

  @Test
  void csvClassifiesWithATargetColumnAndATestFile() throws Exception {
    Path train = tmp.resolve("train.csv");
    Files.writeString(train, "x;label\n1;10\n2;2\n3;10\n");
    Path test = tmp.resolve("test.csv");
    Files.writeString(test, "x;label\n4;2\n");
    Map<String, Object> raw =
        Map.of(
            "file",
            train.toString(),
            "testFile",
            test.toString(),
            "target",
            "label",
            "separator",
            ";");
    DatasetSplits splits = load(new CsvDataset(), raw, true);
    assertThat(splits.info().classLabels()).containsExactly("2", "10");
    assertThat(splits.train().labels().data()).containsExactly(1, 0, 1);
    assertThat(splits.test().labels().data()).containsExactly(0);
    assertThatThrownBy(
            () ->
                load(
                    new CsvDataset(),
                    Map.of("file", train.toString(), "target", "y", "separator", ";"),
                    true))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("dataset.target: 'y' is not a column of");
    Path ragged = tmp.resolve("ragged.csv");
    Files.writeString(ragged, "a,b\n1,2\n3\n");
    assertThatThrownBy(() -> load(new CsvDataset(), Map.of("file", ragged.toString()), true))
        .hasMessageContaining("line 3 has 1 fields but the header has 2");
  }
}
