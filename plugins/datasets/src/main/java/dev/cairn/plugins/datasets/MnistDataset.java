package dev.cairn.plugins.datasets;

import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.pf4j.Extension;

/**
 * MNIST (LeCun, Cortes and Burges): 28×28 grey handwritten digits, 60,000 for training and 10,000
 * for testing, in the same four IDX files (and file names) as Fashion-MNIST, read the same way:
 * features in [0, 1] of shape {@code [n, 1, 28, 28]}, labels 0..9.
 *
 * <p>The files come from the {@code folder} parameter when set (it must hold all four), else the
 * data dir's cache {@code datasets/mnist}, else they are downloaded into that cache from {@code
 * url} (PyTorch's mirror of the official files by default) and checked against the MD5 sums the
 * official files are known by, unless the run is offline.
 */
@Extension
public class MnistDataset implements DatasetProvider {
  static final String ID = "mnist";
  static final String MIRROR_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/";
  static final List<String> CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

  /** MD5 of each official {@code <name>.gz}, as torchvision checks them. */
  static final Map<String, String> MD5 =
      Map.of(
          FashionMnistFiles.TRAIN_IMAGES, "f68b3c2dcbeaaa9fbdd348bbdeb94873",
          FashionMnistFiles.TRAIN_LABELS, "d53e105ee54ea40749a09fcbcd1e9432",
          FashionMnistFiles.TEST_IMAGES, "9fb629c4189551a2d022fa330f9573f3",
          FashionMnistFiles.TEST_LABELS, "ec29112dd5afa0611ce80d1b7f02629c");

  private final Supplier<Downloader> downloader;
  private final Map<String, String> md5;

  public MnistDataset() {
    this(Downloader::new, MD5);
  }

  /** For tests: another HTTP client and the checksums of the files a test server serves. */
  MnistDataset(Supplier<Downloader> downloader, Map<String, String> md5) {
    this.downloader = downloader;
    this.md5 = md5;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "MNIST: 28x28 grey handwritten digits, 10 classes, 60k train / 10k test (IDX files)";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofPath(
            "folder", "", "folder holding the four IDX files (.gz or raw); empty = cache/download"),
        ParamSpec.ofString("url", MIRROR_URL, "base URL to download the official files from"),
        ParamSpec.ofInt("limit", 0, "use only the first N examples of each split; 0 = all")
            .atLeast(0));
  }

  @Override
  public DatasetSplits load(Params params, DatasetContext context) throws IOException {
    Path dir = locate(params, context);
    int limit = params.getInt("limit");
    return new DatasetSplits(
        DatasetInfo.classification(new long[] {1, 28, 28}, CLASSES),
        FashionMnistDataset.readSplit(
            dir, FashionMnistFiles.TRAIN_IMAGES, FashionMnistFiles.TRAIN_LABELS, limit),
        null,
        FashionMnistDataset.readSplit(
            dir, FashionMnistFiles.TEST_IMAGES, FashionMnistFiles.TEST_LABELS, limit));
  }

  private Path locate(Params params, DatasetContext context) throws IOException {
    String folder = params.getString("folder");
    if (!folder.isBlank()) {
      Path dir = Path.of(folder);
      if (!Files.isDirectory(dir)) {
        throw new IOException("mnist: folder " + dir + " (dataset.folder) does not exist");
      }
      List<String> missing = FashionMnistFiles.missing(dir);
      if (!missing.isEmpty()) {
        throw new IOException(
            "mnist: folder "
                + dir
                + " (dataset.folder) lacks "
                + String.join(", ", missing)
                + " (each as .gz or uncompressed)");
      }
      return dir;
    }
    Path cache = context.cacheDir(ID);
    List<String> missing = FashionMnistFiles.missing(cache);
    if (missing.isEmpty()) {
      return cache;
    }
    if (context.offline()) {
      throw new IOException(
          "mnist: files not found in "
              + cache
              + ", and downloading is off"
              + " (offline). Set dataset parameter 'folder' to a folder holding "
              + String.join(", ", FashionMnistFiles.ALL)
              + " (.gz or uncompressed)");
    }
    URI base = Urls.base(params.getString("url"));
    Downloader http = downloader.get();
    for (String name : missing) {
      String file = name + ".gz";
      http.download(base.resolve(file), cache.resolve(file), "MD5", md5.get(name));
    }
    return cache;
  }
}
