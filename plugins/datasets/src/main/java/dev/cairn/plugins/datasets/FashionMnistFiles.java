package dev.cairn.plugins.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The four official Fashion-MNIST files, their SHA-256 checksums, and how to find them in a folder.
 *
 * <p>The checksums are those of the gzip files served at the official URL. Upstream publishes MD5
 * sums; the SHA-256 values here were computed from files whose MD5 matches them. Debian's {@code
 * dataset-fashion-mnist} ships the same compressed data with a rewritten gzip header (no file name,
 * a 2020 timestamp), so its files hold the same images but do not match these checksums; they are
 * only used in place, never verified by checksum.
 */
final class FashionMnistFiles {
  static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
  static final List<String> ALL = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

  /** SHA-256 of each official {@code <name>.gz}. */
  static final Map<String, String> SHA256 =
      Map.of(
          TRAIN_IMAGES, "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
          TRAIN_LABELS, "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
          TEST_IMAGES, "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
          TEST_LABELS, "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5");

  private FashionMnistFiles() {}

  /** {@code dir/<name>.gz} if present, else the uncompressed {@code dir/<name>}, else null. */
  static Path find(Path dir, String name) {
    Path gz = dir.resolve(name + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    Path raw = dir.resolve(name);
    return Files.isRegularFile(raw) ? raw : null;
  }

  /** Names of the files {@code dir} lacks (all four when it does not exist). */
  static List<String> missing(Path dir) {
    List<String> missing = new ArrayList<>();
    for (String name : ALL) {
      if (find(dir, name) == null) {
        missing.add(name);
      }
    }
    return missing;
  }
}
