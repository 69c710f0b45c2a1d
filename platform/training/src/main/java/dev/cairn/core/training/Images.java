package dev.cairn.core.training;

import dev.cairn.spi.SpecException;
import dev.cairn.spi.Split;
import dev.cairn.spi.Tensor;

/** Image operations on CHW float examples: bilinear resizing, crops and flips. */
final class Images {
  private Images() {}

  /** Every example resized to {@code side × side}, bilinear as PyTorch's (align_corners=False). */
  static Split resize(Split split, int side) {
    Tensor x = split.features();
    long[] shape = x.shape();
    int n = (int) shape[0];
    int c = (int) shape[1];
    int h = (int) shape[2];
    int w = (int) shape[3];
    long values = (long) n * c * side * side;
    if (values > Integer.MAX_VALUE - 8) {
      throw new SpecException(
          "dataset.resize",
          side
              + " makes "
              + n
              + " images of "
              + c
              + "x"
              + side
              + "x"
              + side
              + " = "
              + values
              + " values, more than fit in memory at once; resize less or"
              + " train on a dataset.subset");
    }
    float[] out = new float[(int) values];
    for (int i = 0; i < n * c; i++) {
      resizePlane(x.data(), i * h * w, h, w, out, i * side * side, side, side);
    }
    return new Split(new Tensor(out, new long[] {n, c, side, side}), split.labels());
  }

  static void resizePlane(
      float[] in, int inOff, int h, int w, float[] out, int outOff, int oh, int ow) {
    double sy = (double) h / oh;
    double sx = (double) w / ow;
    for (int y = 0; y < oh; y++) {
      double fy = Math.max(0, (y + 0.5) * sy - 0.5);
      int y0 = Math.min((int) fy, h - 1);
      int y1 = Math.min(y0 + 1, h - 1);
      double dy = fy - y0;
      for (int x = 0; x < ow; x++) {
        double fx = Math.max(0, (x + 0.5) * sx - 0.5);
        int x0 = Math.min((int) fx, w - 1);
        int x1 = Math.min(x0 + 1, w - 1);
        double dx = fx - x0;
        double top = in[inOff + y0 * w + x0] * (1 - dx) + in[inOff + y0 * w + x1] * dx;
        double bottom = in[inOff + y1 * w + x0] * (1 - dx) + in[inOff + y1 * w + x1] * dx;
        out[outOff + y * ow + x] = (float) (top * (1 - dy) + bottom * dy);
      }
    }
  }

  /**
   * Writes one CHW example shifted by ({@code dy}, {@code dx}) with zeros where it leaves the
   * image: a random crop of the zero-padded image, in place of padding then cropping.
   */
  static void shiftedCopy(
      float[] in,
      int inOff,
      int c,
      int h,
      int w,
      int dy,
      int dx,
      boolean flip,
      float[] out,
      int outOff) {
    for (int ch = 0; ch < c; ch++) {
      int plane = ch * h * w;
      for (int y = 0; y < h; y++) {
        int sy = y + dy;
        for (int x = 0; x < w; x++) {
          int tx = flip ? w - 1 - x : x;
          int sx = x + dx;
          float v = sy < 0 || sy >= h || sx < 0 || sx >= w ? 0 : in[inOff + plane + sy * w + sx];
          out[outOff + plane + y * w + tx] = v;
        }
      }
    }
  }
}
