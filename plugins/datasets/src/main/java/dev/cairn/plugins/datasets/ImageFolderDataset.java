package dev.cairn.plugins.datasets;

import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.DatasetProvider;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.Split;
import dev.cairn.spi.Tensor;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.pf4j.Extension;

/**
 * Images in folders, one sub-folder per class ({@code ants/}, {@code bees/}), like torchvision's
 * ImageFolder. When the folder holds {@code train/} and {@code val/} (or {@code validation/}, and
 * {@code test/}) sub-folders, each of those is a split with the same class sub-folders; otherwise
 * all images are the train split. PNG and JPEG (and whatever else Java's ImageIO reads) are resized
 * to {@code size × size} (bilinear) and become floats in [0, 1], shape {@code [n, 3, size, size]}
 * ({@code [n, 1, size, size]} with {@code grey: true}). Classes are the sub-folder names in sorted
 * order; files are read in sorted order.
 */
@Extension
public class ImageFolderDataset implements DatasetProvider {
  private static final List<String> VALIDATION = List.of("val", "validation", "valid");

  @Override
  public String id() {
    return "image-folder";
  }

  @Override
  public String description() {
    return "images in one sub-folder per class (PNG/JPEG), optionally under train/ val/ test/";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofPath("folder", null, "root folder: class sub-folders, or train/ val/ test/"),
        ParamSpec.ofInt("size", 64, "images are resized to size x size pixels")
            .greaterThan(0)
            .atMost(4096)
            .atMost(1024),
        ParamSpec.ofBoolean("grey", false, "one grey channel instead of RGB"),
        ParamSpec.ofInt("limit", 0, "at most N images per class and split; 0 = all").atLeast(0));
  }

  @Override
  public DatasetSplits load(Params params, DatasetContext context) throws IOException {
    Path root = Path.of(params.getString("folder"));
    if (!Files.isDirectory(root)) {
      throw new IOException("image-folder: folder " + root + " (dataset.folder) does not exist");
    }
    Path trainDir = Files.isDirectory(root.resolve("train")) ? root.resolve("train") : root;
    List<String> classes = classes(trainDir);
    if (classes.size() < 2) {
      throw new IOException(
          "image-folder: "
              + trainDir
              + " needs at least 2 class sub-folders"
              + " (one per label, e.g. ants/ and bees/), found "
              + classes);
    }
    Path validationDir = null;
    Path testDir = null;
    if (trainDir != root) {
      for (String v : VALIDATION) {
        if (Files.isDirectory(root.resolve(v))) {
          validationDir = root.resolve(v);
          break;
        }
      }
      testDir = Files.isDirectory(root.resolve("test")) ? root.resolve("test") : null;
    }
    int size = params.getInt("size");
    int channels = params.getBoolean("grey") ? 1 : 3;
    int limit = params.getInt("limit");
    DatasetInfo info = DatasetInfo.classification(new long[] {channels, size, size}, classes);
    return new DatasetSplits(
        info,
        read(trainDir, classes, size, channels, limit),
        validationDir == null ? null : read(validationDir, classes, size, channels, limit),
        testDir == null ? null : read(testDir, classes, size, channels, limit));
  }

  private static List<String> classes(Path dir) throws IOException {
    try (Stream<Path> children = Files.list(dir)) {
      return children
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    }
  }

  private static Split read(Path dir, List<String> classes, int size, int channels, int limit)
      throws IOException {
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<String> here = classes(dir);
    for (String extra : here) {
      if (!classes.contains(extra)) {
        throw new IOException(
            "image-folder: "
                + dir.resolve(extra)
                + " is a class the train"
                + " split does not have; classes: "
                + classes);
      }
    }
    for (int c = 0; c < classes.size(); c++) {
      Path classDir = dir.resolve(classes.get(c));
      if (!Files.isDirectory(classDir)) {
        continue;
      }
      List<Path> images;
      try (Stream<Path> s = Files.list(classDir)) {
        images =
            s.filter(Files::isRegularFile).filter(ImageFolderDataset::isImage).sorted().toList();
      }
      if (limit > 0 && images.size() > limit) {
        images = images.subList(0, limit);
      }
      for (Path image : images) {
        files.add(image);
        labels.add(c);
      }
    }
    if (files.isEmpty()) {
      throw new IOException(
          "image-folder: no images (.png, .jpg, .jpeg, .bmp, .gif) in the class"
              + " sub-folders of "
              + dir);
    }
    int per = channels * size * size;
    float[] data = new float[files.size() * per];
    float[] y = new float[files.size()];
    for (int i = 0; i < files.size(); i++) {
      pixels(files.get(i), size, channels, data, i * per);
      y[i] = labels.get(i);
    }
    return new Split(
        new Tensor(data, new long[] {files.size(), channels, size, size}),
        new Tensor(y, new long[] {files.size()}));
  }

  private static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".png")
        || n.endsWith(".jpg")
        || n.endsWith(".jpeg")
        || n.endsWith(".bmp")
        || n.endsWith(".gif");
  }

  /** Decodes, resizes and writes one image as CHW floats in [0, 1] at {@code offset}. */
  private static void pixels(Path file, int size, int channels, float[] out, int offset)
      throws IOException {
    BufferedImage source;
    try {
      source = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new IOException("image-folder: " + file + " cannot be decoded: " + e.getMessage(), e);
    }
    if (source == null) {
      throw new IOException("image-folder: " + file + " is not an image Java can read");
    }
    BufferedImage scaled = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scaled.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(source, 0, 0, size, size, null);
    g.dispose();
    int plane = size * size;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int rgb = scaled.getRGB(x, y);
        float r = ((rgb >> 16) & 0xFF) / 255f;
        float gr = ((rgb >> 8) & 0xFF) / 255f;
        float b = (rgb & 0xFF) / 255f;
        int at = y * size + x;
        if (channels == 1) {
          out[offset + at] = 0.299f * r + 0.587f * gr + 0.114f * b;
        } else {
          out[offset + at] = r;
          out[offset + plane + at] = gr;
          out[offset + 2 * plane + at] = b;
        }
      }
    }
  }
}
