package dev.cairn.plugins.models;

import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.SpecException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The shape {@code channels × height × width} of an image as it flows through a convolutional
 * model, tracked while the model is built so that a layer that does not fit (a kernel larger than
 * its input, an architecture that pools the image away) fails the spec with a message naming the
 * layer and the sizes, before anything trains. The arithmetic is PyTorch's.
 */
final class FeatureMap {
  private final String model;
  private final long inputHeight;
  private final long inputWidth;
  private long channels;
  private long height;
  private long width;

  private FeatureMap(String model, long channels, long height, long width) {
    this.model = model;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.inputHeight = height;
    this.inputWidth = width;
  }

  /** The dataset's image shape; refuses data that is not {@code [channels, height, width]}. */
  static FeatureMap of(String model, DatasetInfo dataset) {
    long[] shape = dataset.inputShape();
    if (shape.length != 3) {
      throw new SpecException(
          "model",
          "'"
              + model
              + "' needs image input [channels, height, width], but the dataset gives examples of"
              + " shape "
              + Arrays.toString(shape)
              + "; use an image dataset or a model for flat input (mlp, linear)");
    }
    return new FeatureMap(model, shape[0], shape[1], shape[2]);
  }

  long channels() {
    return channels;
  }

  long height() {
    return height;
  }

  long width() {
    return width;
  }

  /** The smaller side. */
  long side() {
    return Math.min(height, width);
  }

  long size() {
    return channels * height * width;
  }

  /** A convolution with a square kernel. */
  FeatureMap conv(String layer, long filters, int kernel, int stride, int padding) {
    check(layer, "kernel", kernel, padding);
    height = (height + 2L * padding - kernel) / stride + 1;
    width = (width + 2L * padding - kernel) / stride + 1;
    channels = filters;
    return this;
  }

  /** A pooling window; ceil mode as PyTorch counts it (the last window starts inside). */
  FeatureMap pool(String layer, int kernel, int stride, int padding, boolean ceil) {
    check(layer, "pooling window", kernel, padding);
    height = pooled(height, kernel, stride, padding, ceil);
    width = pooled(width, kernel, stride, padding, ceil);
    return this;
  }

  /** Global pooling: one value per channel. */
  FeatureMap global() {
    height = 1;
    width = 1;
    return this;
  }

  private static long pooled(long in, int kernel, int stride, int padding, boolean ceil) {
    long span = in + 2L * padding - kernel;
    if (!ceil) {
      return span / stride + 1;
    }
    long out = (span + stride - 1) / stride + 1;
    return (out - 1) * stride >= in + padding ? out - 1 : out;
  }

  private void check(String layer, String what, int kernel, int padding) {
    if (height + 2L * padding < kernel || width + 2L * padding < kernel) {
      throw new SpecException(
          "model",
          String.format(
              Locale.ROOT,
              "%s: the %dx%d %s of %s is larger than its %dx%d input%s (the %dx%d image has"
                  + " shrunk to %dx%d by then); use larger images (dataset resize) or a smaller"
                  + " architecture",
              model,
              kernel,
              kernel,
              what,
              layer,
              height,
              width,
              padding > 0 ? " plus padding " + padding : "",
              inputHeight,
              inputWidth,
              height,
              width));
    }
  }

  @Override
  public String toString() {
    return channels + "x" + height + "x" + width;
  }
}
