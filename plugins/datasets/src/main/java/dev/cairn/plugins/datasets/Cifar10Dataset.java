package dev.cairn.plugins.datasets;

import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.Split;
import dev.cairn.spi.Tensor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.pf4j.Extension;

/**
 * CIFAR-10 (Krizhevsky): 32×32 colour images of 10 classes, 50,000 for training and 10,000 for
 * testing, read from the official binary version: {@code data_batch_1.bin} … {@code
 * data_batch_5.bin} and {@code test_batch.bin}, each a sequence of 3,073-byte records (the label,
 * then 1,024 red, 1,024 green and 1,024 blue bytes, row-major). Features are floats in [0, 1] of
 * shape {@code [n, 3, 32, 32]}; labels 0..9.
 *
 * <p>The files come from the {@code folder} parameter when set (the six files, or a {@code
 * cifar-10-batches-bin} folder holding them, or the official {@code cifar-10-binary.tar.gz}), else
 * the data dir's cache {@code datasets/cifar-10}, else the archive is downloaded from {@code url},
 * checked against its SHA-256 and unpacked there (only the six files), unless the run is offline.
 * The full training split takes about 600 MB as floats.
 */
@Extension
public class Cifar10Dataset implements DatasetProvider {
  static final String ID = "cifar-10";
  static final String OFFICIAL_URL = "https://www.cs.toronto.edu/~kriz/";
  static final String ARCHIVE = "cifar-10-binary.tar.gz";
  static final String ARCHIVE_SHA256 =
      "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd";
  static final String FOLDER = "cifar-10-batches-bin";
  static final List<String> TRAIN_FILES =
      List.of(
          "data_batch_1.bin",
          "data_batch_2.bin",
          "data_batch_3.bin",
          "data_batch_4.bin",
          "data_batch_5.bin");
  static final String TEST_FILE = "test_batch.bin";
  static final List<String> CLASSES =
      List.of(
          "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
  static final int SIDE = 32;
  static final int PIXELS = 3 * SIDE * SIDE;
  static final int RECORD = 1 + PIXELS;

  private final Supplier<Downloader> downloader;

  public Cifar10Dataset() {
    this(Downloader::new);
  }

  Cifar10Dataset(Supplier<Downloader> downloader) {
    this.downloader = downloader;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "CIFAR-10: 32x32 colour images, 10 classes, 50k train / 10k test (official binary files)";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofPath(
            "folder",
            "",
            "folder with the .bin files, "
                + FOLDER
                + "/ or "
                + ARCHIVE
                + "; empty = cache/download"),
        ParamSpec.ofString("url", OFFICIAL_URL, "base URL to download " + ARCHIVE + " from"),
        ParamSpec.ofInt("limit", 0, "use only the first N examples of each split; 0 = all")
            .atLeast(0));
  }

  @Override
  public DatasetSplits load(Params params, DatasetContext context) throws IOException {
    Path dir = locate(params, context);
    int limit = params.getInt("limit");
    List<Path> train = new ArrayList<>();
    for (String name : TRAIN_FILES) {
      train.add(dir.resolve(name));
    }
    return new DatasetSplits(
        DatasetInfo.classification(new long[] {3, SIDE, SIDE}, CLASSES),
        read(train, limit),
        null,
        read(List.of(dir.resolve(TEST_FILE)), limit));
  }

  private Path locate(Params params, DatasetContext context) throws IOException {
    String folder = params.getString("folder");
    if (!folder.isBlank()) {
      Path dir = Path.of(folder);
      if (!Files.isDirectory(dir)) {
        throw new IOException("cifar-10: folder " + dir + " (dataset.folder) does not exist");
      }
      if (missing(dir).isEmpty()) {
        return dir;
      }
      if (missing(dir.resolve(FOLDER)).isEmpty()) {
        return dir.resolve(FOLDER);
      }
      if (Files.isRegularFile(dir.resolve(ARCHIVE))) {
        Path out = context.cacheDir(ID);
        TarGz.extract(dir.resolve(ARCHIVE), out, allFiles());
        return requireAll(out, dir.resolve(ARCHIVE).toString());
      }
      throw new IOException(
          "cifar-10: folder "
              + dir
              + " (dataset.folder) holds neither the files "
              + String.join(", ", allFiles())
              + " nor "
              + FOLDER
              + "/ nor "
              + ARCHIVE
              + "; missing: "
              + String.join(", ", missing(dir)));
    }
    Path cache = context.cacheDir(ID);
    if (missing(cache).isEmpty()) {
      return cache;
    }
    if (context.offline()) {
      throw new IOException(
          "cifar-10: files not found in "
              + cache
              + ", and downloading is off"
              + " (offline). Set dataset parameter 'folder' to a folder holding "
              + ARCHIVE
              + " or the"
              + " binary batches ("
              + String.join(", ", allFiles())
              + ")");
    }
    URI base = Urls.base(params.getString("url"));
    Path archive = cache.resolve(ARCHIVE);
    downloader.get().download(base.resolve(ARCHIVE), archive, ARCHIVE_SHA256);
    TarGz.extract(archive, cache, allFiles());
    Files.delete(archive);
    return requireAll(cache, base.resolve(ARCHIVE).toString());
  }

  private static Path requireAll(Path dir, String source) throws IOException {
    List<String> missing = missing(dir);
    if (!missing.isEmpty()) {
      throw new IOException("cifar-10: " + source + " lacks " + String.join(", ", missing));
    }
    return dir;
  }

  static List<String> allFiles() {
    List<String> all = new ArrayList<>(TRAIN_FILES);
    all.add(TEST_FILE);
    return all;
  }

  private static List<String> missing(Path dir) {
    List<String> out = new ArrayList<>();
    for (String name : allFiles()) {
      if (!Files.isRegularFile(dir.resolve(name))) {
        out.add(name);
      }
    }
    return out;
  }

  /** Reads the records of the files in order, at most {@code limit} (0 = all). */
  static Split read(List<Path> files, int limit) throws IOException {
    long total = 0;
    for (Path f : files) {
      long size = Files.size(f);
      if (size == 0 || size % RECORD != 0) {
        throw new IOException(
            f.getFileName()
                + ": "
                + size
                + " bytes is not a whole number of "
                + RECORD
                + "-byte CIFAR-10 records (1 label byte + 3x32x32 pixels)");
      }
      total += size / RECORD;
    }
    int n = (int) (limit > 0 ? Math.min(limit, total) : total);
    float[] pixels = new float[n * PIXELS];
    float[] labels = new float[n];
    byte[] record = new byte[RECORD];
    int i = 0;
    for (Path f : files) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
        while (i < n && in.readNBytes(record, 0, RECORD) == RECORD) {
          int label = record[0] & 0xFF;
          if (label >= CLASSES.size()) {
            throw new IOException(
                f.getFileName() + ": label " + label + " of record " + i + " is out of range 0..9");
          }
          labels[i] = label;
          int base = i * PIXELS;
          for (int p = 0; p < PIXELS; p++) {
            pixels[base + p] = (record[1 + p] & 0xFF) / 255f;
          }
          i++;
        }
      }
      if (i == n) {
        break;
      }
    }
    return new Split(
        new Tensor(pixels, new long[] {n, 3, SIDE, SIDE}), new Tensor(labels, new long[] {n}));
  }
}
