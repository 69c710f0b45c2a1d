package dev.cairn.core.onnx;

import dev.cairn.core.onnx.OnnxModelException.Reason;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Turns an image file into the tensor an image model takes, as the course's to-tensor transform
 * does: resized to the model's height and width, grey or RGB as its channels say, channels first,
 * scaled to [0, 1], then normalised with the per-channel mean and std the model's metadata names
 * ({@value #MEAN_KEY}, {@value #STD_KEY}), if any.
 */
public final class ImageTensors {
  public static final String MEAN_KEY = "cairn.input_mean";
  public static final String STD_KEY = "cairn.input_std";

  private ImageTensors() {}

  /** True when {@code bytes} start like a PNG, JPEG, GIF or BMP file. */
  public static boolean looksLikeImage(byte[] b) {
    return b.length > 4
        && ((b[0] == (byte) 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G')
            || (b[0] == (byte) 0xFF && b[1] == (byte) 0xD8)
            || (b[0] == 'G' && b[1] == 'I' && b[2] == 'F')
            || (b[0] == 'B' && b[1] == 'M'));
  }

  public static TensorData fromImage(byte[] bytes, TensorSpec input, ModelSignature signature) {
    long[] s = input.shape();
    int channels;
    int height;
    int width;
    if (s.length == 4 && (s[1] == 1 || s[1] == 3) && s[2] > 0 && s[3] > 0) {
      channels = (int) s[1];
      height = (int) s[2];
      width = (int) s[3];
    } else if (s.length == 3 && s[1] > 0 && s[2] > 0) {
      channels = 1;
      height = (int) s[1];
      width = (int) s[2];
    } else {
      throw new OnnxModelException(
          Reason.BAD_INPUT,
          "input '"
              + input.name()
              + "' has shape "
              + input.describeShape()
              + ", which is not an image input ([batch, 1 or 3, height, width] or [batch, height, width]); send a JSON tensor instead");
    }
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      image = null;
    }
    if (image == null) {
      throw new OnnxModelException(
          Reason.BAD_INPUT, "the image cannot be decoded; PNG, JPEG, GIF and BMP are supported");
    }
    BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scaled.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    float[] mean = floats(signature.metadata().get(MEAN_KEY), channels, 0f);
    float[] std = floats(signature.metadata().get(STD_KEY), channels, 1f);
    float[] data = new float[channels * height * width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int rgb = scaled.getRGB(x, y);
        float r = ((rgb >> 16) & 0xFF) / 255f;
        float gr = ((rgb >> 8) & 0xFF) / 255f;
        float b = (rgb & 0xFF) / 255f;
        if (channels == 1) {
          data[y * width + x] = ((0.299f * r + 0.587f * gr + 0.114f * b) - mean[0]) / std[0];
        } else {
          float[] px = {r, gr, b};
          for (int c = 0; c < 3; c++) {
            data[(c * height + y) * width + x] = (px[c] - mean[c]) / std[c];
          }
        }
      }
    }
    long[] shape =
        s.length == 4 ? new long[] {1, channels, height, width} : new long[] {1, height, width};
    TensorData tensor = TensorData.ofFloats(data, shape);
    return input.type().equals("float")
        ? tensor
        : TensorData.fromDoubles(input.type(), toDoubles(data), shape);
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static float[] floats(String json, int channels, float dflt) {
    float[] out = new float[channels];
    Arrays.fill(out, dflt);
    if (json == null) {
      return out;
    }
    List<String> values = OnnxMetadata.parseStringList(json.replaceAll("([-0-9.eE]+)", "\"$1\""));
    for (int c = 0; c < channels && !values.isEmpty(); c++) {
      out[c] = Float.parseFloat(values.get(Math.min(c, values.size() - 1)));
    }
    return out;
  }
}
