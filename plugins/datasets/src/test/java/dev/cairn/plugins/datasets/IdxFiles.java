package dev.cairn.plugins.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Builds small IDX files (unsigned bytes) for tests. */
final class IdxFiles {
  private IdxFiles() {}

  static byte[] idx(int[] dims, byte[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + values.length);
    b.put((byte) 0).put((byte) 0).put((byte) IdxReader.UNSIGNED_BYTE).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.put(values).array();
  }

  static byte[] gzip(byte[] raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** {@code n} 28×28 images whose pixel j of image i is {@code (i + j) % 256}. */
  static byte[] images(int n) {
    byte[] pixels = new byte[n * 28 * 28];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) ((i / 784 + i % 784) % 256);
    }
    return idx(new int[] {n, 28, 28}, pixels);
  }

  /** Labels {@code i % 10}. */
  static byte[] labels(int n) {
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 10);
    }
    return idx(new int[] {n}, labels);
  }

  /** Writes a complete, small Fashion-MNIST folder: train files gzipped, test files raw. */
  static Path fashionFolder(Path dir, int trainSize, int testSize) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(FashionMnistFiles.TRAIN_IMAGES + ".gz"), gzip(images(trainSize)));
    Files.write(dir.resolve(FashionMnistFiles.TRAIN_LABELS + ".gz"), gzip(labels(trainSize)));
    Files.write(dir.resolve(FashionMnistFiles.TEST_IMAGES), images(testSize));
    Files.write(dir.resolve(FashionMnistFiles.TEST_LABELS), labels(testSize));
    return dir;
  }
}
