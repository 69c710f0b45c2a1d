package dev.cairn.plugins.datasets;

import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Split;
import dev.cairn.spi.Tensor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.pf4j.Extension;

/**
 * Fashion-MNIST (Zalando): 28×28 grey images of 10 kinds of clothing, 60,000 for training and
 * 10,000 for testing, read from the official IDX files (gzipped or not).
 *
 * <p>Features are floats in [0, 1] of shape {@code [n, 1, 28, 28]}; labels are class indices 0..9
 * stored as floats, shape {@code [n]} (one scalar per example, what DJL's sparse softmax
 * cross-entropy and accuracy expect). The train split is the 60k file, the test split the 10k file;
 * there is no validation split.
 *
 * <p>Where the files come from, in order: the {@code folder} parameter when set (it must then hold
 * all four files); Debian's {@code /usr/share/datasets/fashion-mnist} (package {@code
 * dataset-fashion-mnist}), or instead the folder named by {@code CAIRN_FASHION_MNIST_DIR}; the data
 * dir's cache {@code datasets/fashion-mnist}; finally a download of the missing files from {@code
 * url} into that cache, checked against the official SHA-256 sums, unless the run is offline.
 */
@Extension
public class FashionMnistDataset implements DatasetProvider {
  static final String ID = "fashion-mnist";
  static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  static final String OFFICIAL_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
  static final List<String> CLASSES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");
  static final int SIDE = 28;
  private static final DatasetInfo INFO =
      DatasetInfo.classification(new long[] {1, SIDE, SIDE}, CLASSES);
  private static final float[] PIXEL = new float[256];

  static {
    for (int i = 0; i < PIXEL.length; i++) {
      PIXEL[i] = i / 255f;
    }
  }

  private final Path systemDir;
  private final Supplier<Downloader> downloader;

  public FashionMnistDataset() {
    this(systemDir(), Downloader::new);
  }

  /**
   * Debian's folder, or the folder named by {@code CAIRN_FASHION_MNIST_DIR} (system property {@code
   * cairn.fashionMnistDir}): a user's own copy of the IDX files, or an empty folder in tests.
   */
  static Path systemDir() {
    String named =
        System.getProperty("cairn.fashionMnistDir", System.getenv("CAIRN_FASHION_MNIST_DIR"));
    return named == null || named.isBlank() ? DEBIAN_DIR : Path.of(named);
  }

  /** For tests: another system folder and HTTP client. */
  FashionMnistDataset(Path systemDir, Supplier<Downloader> downloader) {
    this.systemDir = systemDir;
    this.downloader = downloader;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "Fashion-MNIST: 28x28 grey clothing images, 10 classes, 60k train / 10k test";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofPath(
            "folder",
            "",
            "folder holding the four IDX files (.gz or raw); empty = look in the usual places"),
        ParamSpec.ofString("url", OFFICIAL_URL, "base URL to download the official files from"),
        ParamSpec.ofInt("limit", 0, "use only the first N examples of each split; 0 = all")
            .atLeast(0));
  }

  @Override
  public DatasetSplits load(Params params, DatasetContext context) throws IOException {
    Path dir = locate(params, context);
    int limit = params.getInt("limit");
    Split train =
        readSplit(dir, FashionMnistFiles.TRAIN_IMAGES, FashionMnistFiles.TRAIN_LABELS, limit);
    Split test =
        readSplit(dir, FashionMnistFiles.TEST_IMAGES, FashionMnistFiles.TEST_LABELS, limit);
    return new DatasetSplits(INFO, train, null, test);
  }

  /** The folder to read from, downloading into the cache when allowed and needed. */
  Path locate(Params params, DatasetContext context) throws IOException {
    String folder = params.getString("folder");
    if (!folder.isBlank()) {
      Path dir = Path.of(folder);
      if (!Files.isDirectory(dir)) {
        throw new IOException("fashion-mnist: folder " + dir + " (dataset.folder) does not exist");
      }
      List<String> missing = FashionMnistFiles.missing(dir);
      if (!missing.isEmpty()) {
        throw new IOException(
            "fashion-mnist: folder "
                + dir
                + " (dataset.folder) lacks "
                + String.join(", ", missing)
                + " (each as .gz or uncompressed)");
      }
      return dir;
    }
    if (FashionMnistFiles.missing(systemDir).isEmpty()) {
      return systemDir;
    }
    Path cache = context.cacheDir(ID);
    List<String> missing = FashionMnistFiles.missing(cache);
    if (missing.isEmpty()) {
      return cache;
    }
    if (context.offline()) {
      throw new IOException(
          "fashion-mnist: files not found in "
              + systemDir
              + " or "
              + cache
              + ", and downloading is off (offline).\n"
              + fix());
    }
    URI base = baseUrl(params.getString("url"));
    Downloader http = downloader.get();
    for (String name : missing) {
      String file = name + ".gz";
      try {
        http.download(base.resolve(file), cache.resolve(file), FashionMnistFiles.SHA256.get(name));
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        throw new IOException(
            "fashion-mnist: files not found in "
                + systemDir
                + " or "
                + cache
                + ", and the "
                + e.getMessage()
                + ".\n"
                + fix(),
            e);
      }
    }
    return cache;
  }

  /** What a user can do when the files are nowhere: one line. */
  private static String fix() {
    return "fix: `apt-get install dataset-fashion-mnist`, or put "
        + String.join(", ", FashionMnistFiles.ALL)
        + " (.gz or not) in a folder and name it with CAIRN_FASHION_MNIST_DIR=FOLDER"
        + " (or dataset.folder in the spec)";
  }

  private static URI baseUrl(String url) {
    URI uri;
    try {
      uri = URI.create(url.endsWith("/") ? url : url + "/");
    } catch (IllegalArgumentException e) {
      throw new SpecException("dataset.url", "'" + url + "' is not a valid URL: " + e.getMessage());
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
      throw new SpecException(
          "dataset.url", "'" + url + "' is not allowed; expected an http:// or https:// URL");
    }
    return uri;
  }

  /** Reads one split of 28x28 IDX images with labels 0..9 (the layout of MNIST too). */
  static Split readSplit(Path dir, String imagesName, String labelsName, int limit)
      throws IOException {
    Path imagesFile = FashionMnistFiles.find(dir, imagesName);
    Path labelsFile = FashionMnistFiles.find(dir, labelsName);
    IdxReader.IdxData images = IdxReader.read(imagesFile, 3, "pixels", limit);
    IdxReader.IdxData labels = IdxReader.read(labelsFile, 1, "labels", limit);
    if (images.dims()[1] != SIDE || images.dims()[2] != SIDE) {
      throw new IOException(
          imagesFile.getFileName()
              + ": expected "
              + SIDE
              + "x"
              + SIDE
              + " images, found "
              + images.dims()[1]
              + "x"
              + images.dims()[2]);
    }
    if (images.items() != labels.items()) {
      throw new IOException(
          labelsFile.getFileName()
              + " has "
              + labels.items()
              + " labels but "
              + imagesFile.getFileName()
              + " has "
              + images.items()
              + " images");
    }
    return new Split(toFeatures(images), toLabels(labels, labelsFile));
  }

  private static Tensor toFeatures(IdxReader.IdxData images) {
    byte[] bytes = images.values();
    float[] data = new float[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      data[i] = PIXEL[bytes[i] & 0xFF];
    }
    return new Tensor(data, new long[] {images.items(), 1, SIDE, SIDE});
  }

  private static Tensor toLabels(IdxReader.IdxData labels, Path file) throws IOException {
    byte[] bytes = labels.values();
    float[] data = new float[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      int label = bytes[i] & 0xFF;
      if (label >= CLASSES.size()) {
        throw new IOException(
            file.getFileName()
                + ": label "
                + label
                + " of example "
                + i
                + " is out of range 0.."
                + (CLASSES.size() - 1));
      }
      data[i] = label;
    }
    return new Tensor(data, new long[] {labels.items()});
  }
}
