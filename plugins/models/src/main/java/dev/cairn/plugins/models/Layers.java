package dev.cairn.plugins.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;

/**
 * The standard DJL blocks the course's networks are made of, each added to a {@link
 * SequentialBlock} while a {@link FeatureMap} follows the image size, so an architecture that does
 * not fit its input fails with a clear message at build time. Only standard blocks are used: every
 * one of them has a converter in Cairn's ONNX exporter.
 */
final class Layers {
  private final SequentialBlock net;
  private final FeatureMap map;
  private int convs;
  private int pools;

  Layers(SequentialBlock net, FeatureMap map) {
    this.net = net;
    this.map = map;
  }

  FeatureMap map() {
    return map;
  }

  SequentialBlock net() {
    return net;
  }

  Layers conv(long filters, int kernel, int stride, int padding) {
    convs++;
    map.conv("conv" + convs, filters, kernel, stride, padding);
    net.add(conv2d(filters, kernel, stride, padding, true));
    return this;
  }

  Layers maxPool(int kernel, int stride, int padding) {
    pools++;
    map.pool("pool" + pools, kernel, stride, padding, false);
    net.add(Pool.maxPool2dBlock(square(kernel), square(stride), square(padding)));
    return this;
  }

  Layers avgPool(int kernel, int stride) {
    pools++;
    map.pool("pool" + pools, kernel, stride, 0, false);
    net.add(Pool.avgPool2dBlock(square(kernel), square(stride)));
    return this;
  }

  /** Global average pooling to one value per channel, flattened to {@code [batch, channels]}. */
  Layers globalAvgPool() {
    map.global();
    net.add(Pool.globalAvgPool2dBlock());
    return this;
  }

  Layers batchNorm() {
    net.add(BatchNorm.builder().build());
    return this;
  }

  Layers activation(String name) {
    net.add(Activations.block(name));
    return this;
  }

  Layers add(Block block) {
    net.add(block);
    return this;
  }

  Layers flatten() {
    net.add(Blocks.batchFlattenBlock());
    return this;
  }

  Layers dense(long units) {
    net.add(Linear.builder().setUnits(units).build());
    return this;
  }

  Layers dropout(double rate) {
    if (rate > 0) {
      net.add(Dropout.builder().optRate((float) rate).build());
    }
    return this;
  }

  static Conv2d conv2d(long filters, int kernel, int stride, int padding, boolean bias) {
    return Conv2d.builder()
        .setFilters((int) filters)
        .setKernelShape(square(kernel))
        .optStride(square(stride))
        .optPadding(square(padding))
        .optBias(bias)
        .build();
  }

  static Shape square(int n) {
    return new Shape(n, n);
  }

  /** {@code channels × width}, at least 1 channel. */
  static long scaled(long channels, double width) {
    return Math.max(1, Math.round(channels * width));
  }
}
