package dev.cairn.plugins.models;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws a point's path over the contours of {@code f(x) = a₁x₁² + a₂x₂²}, as d2l's optimizer
 * figures do: shaded by f, contour ellipses at halving levels, the path in orange from the start
 * (green) to the current point (red), the minimum marked with a cross. Pure Java2D on an image, no
 * fonts, so it renders on a headless machine.
 */
final class TrajectoryPlot {
  static final int WIDTH = 480;
  private static final Color PATH = new Color(0xE8, 0x6A, 0x10);

  private TrajectoryPlot() {}

  /**
   * @param scales a₁, a₂ (> 0)
   * @param start the starting point, which fixes the view: ±1.5·|startᵢ| on each axis, one scale
   * @param path the points so far, start first
   */
  static byte[] png(float[] scales, float[] start, List<float[]> path) {
    // room for an overshoot: momentum's first step from (-5, -2) lands at x2 = 2.8
    double r1 = Math.max(1.5 * Math.abs(start[0]), 0.5);
    double r2 = Math.max(1.5 * Math.abs(start[1]), 0.5);
    double perUnit = WIDTH / (2 * r1);
    int height = (int) Math.max(120, Math.min(WIDTH, Math.round(2 * r2 * perUnit)));
    double h2 = height / (2 * perUnit); // half the x2 range actually shown
    BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);

    double fMax = f(scales, r1, h2);
    double logMax = Math.log1p(fMax);
    for (int py = 0; py < height; py++) {
      double x2 = h2 - (py + 0.5) / perUnit;
      for (int px = 0; px < WIDTH; px++) {
        double x1 = -r1 + (px + 0.5) / perUnit;
        double t = Math.min(1, Math.log1p(f(scales, x1, x2)) / logMax);
        int shade = (int) Math.round(255 - 90 * t);
        image.setRGB(px, py, (shade - 40) << 16 | (shade - 20) << 8 | 255);
      }
    }

    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      // contours at f = f(start) · 2^-k
      g.setColor(new Color(0x4A, 0x5A, 0x8A));
      g.setStroke(new BasicStroke(1f));
      double level = f(scales, start[0], start[1]);
      for (int k = 0; k < 10 && level > 0; k++, level /= 2) {
        double a = Math.sqrt(level / scales[0]) * perUnit;
        double b = Math.sqrt(level / scales[1]) * perUnit;
        g.draw(new Ellipse2D.Double(WIDTH / 2.0 - a, height / 2.0 - b, 2 * a, 2 * b));
      }
      // the minimum
      g.setColor(Color.DARK_GRAY);
      g.draw(new Line2D.Double(WIDTH / 2.0 - 5, height / 2.0, WIDTH / 2.0 + 5, height / 2.0));
      g.draw(new Line2D.Double(WIDTH / 2.0, height / 2.0 - 5, WIDTH / 2.0, height / 2.0 + 5));

      g.setColor(PATH);
      g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      Path2D line = new Path2D.Double();
      for (int i = 0; i < path.size(); i++) {
        double px = (path.get(i)[0] + r1) * perUnit;
        double py = (h2 - path.get(i)[1]) * perUnit;
        if (i == 0) {
          line.moveTo(px, py);
        } else {
          line.lineTo(px, py);
        }
      }
      g.draw(line);
      for (int i = 0; i < path.size(); i++) {
        double px = (path.get(i)[0] + r1) * perUnit;
        double py = (h2 - path.get(i)[1]) * perUnit;
        boolean first = i == 0;
        boolean last = i == path.size() - 1;
        g.setColor(first ? new Color(0x1B, 0x9E, 0x3E) : last ? new Color(0xD0, 0x1C, 0x1C) : PATH);
        double r = first || last ? 5 : 3;
        g.fill(new Ellipse2D.Double(px - r, py - r, 2 * r, 2 * r));
      }
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static double f(float[] scales, double x1, double x2) {
    return scales[0] * x1 * x1 + scales[1] * x2 * x2;
  }
}
