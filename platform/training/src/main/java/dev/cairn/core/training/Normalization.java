package dev.cairn.core.training;

import dev.cairn.spi.Tensor;

/** Per-channel mean and standard deviation of a split, for {@link NormalizeBlock}. */
record Normalization(float[] mean, float[] std) {

  /** Statistics over every example and position; a constant channel gets std 1. */
  static Normalization of(Tensor features) {
    long[] example = features.exampleShape();
    int axis = NormalizeBlock.channelAxis(example);
    int channels = (int) example[axis];
    // an example is [outer, channels, inner] in row-major order around the channel axis
    int inner = 1;
    for (int i = axis + 1; i < example.length; i++) {
      inner *= (int) example[i];
    }
    double[] sum = new double[channels];
    double[] squares = new double[channels];
    float[] data = features.data();
    for (int i = 0; i < data.length; i++) {
      int c = (i / inner) % channels;
      sum[c] += data[i];
      squares[c] += (double) data[i] * data[i];
    }
    long count = data.length / channels;
    float[] mean = new float[channels];
    float[] std = new float[channels];
    for (int c = 0; c < channels; c++) {
      double m = count == 0 ? 0 : sum[c] / count;
      double variance = count == 0 ? 0 : Math.max(0, squares[c] / count - m * m);
      mean[c] = (float) m;
      std[c] = variance < 1e-12 ? 1f : (float) Math.sqrt(variance);
    }
    return new Normalization(mean, std);
  }
}
