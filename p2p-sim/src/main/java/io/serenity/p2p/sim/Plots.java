package io.serenity.p2p.sim;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Charts of one or more runs (one series per run): latency CDF, hop histogram and bytes sent per
 * node (nodes sorted). Each chart is drawn once through {@link Canvas}, which has a hand-written SVG
 * back end and a headless {@link BufferedImage} back end written as PNG.
 */
public final class Plots {
  private static final int W = 720;
  private static final int H = 440;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;
  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e"};

  private Plots() {}

  /**
   * Writes latency-cdf, hops and bandwidth as .svg and .png into {@code dir}.
   *
   * @param dir the output folder
   * @param runs the runs to plot together
   * @return the files written
   * @throws IOException when a file cannot be written
   */
  public static List<Path> write(Path dir, List<Report> runs) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    List<Path> out = new ArrayList<>();
    for (String chart : List.of("latency-cdf", "hops", "bandwidth")) {
      Svg svg = new Svg();
      draw(chart, svg, runs);
      Path svgFile = dir.resolve(chart + ".svg");
      Files.writeString(svgFile, svg.finish());
      out.add(svgFile);
      Png png = new Png();
      draw(chart, png, runs);
      Path pngFile = dir.resolve(chart + ".png");
      ImageIO.write(png.image, "png", pngFile.toFile());
      out.add(pngFile);
    }
    return out;
  }

  static void draw(String chart, Canvas c, List<Report> runs) {
    switch (chart) {
      case "latency-cdf" -> latencyCdf(c, runs);
      case "hops" -> hops(c, runs);
      default -> bandwidth(c, runs);
    }
  }

  private static void latencyCdf(Canvas c, List<Report> runs) {
    double maxX = 1;
    for (Report r : runs) {
      if (r.latenciesMs().length > 0) {
        maxX = Math.max(maxX, r.latenciesMs()[r.latenciesMs().length - 1]);
      }
    }
    maxX = nice(maxX);
    frame(c, "Delivery latency CDF", "latency (ms)", "fraction of deliveries", maxX, 1.0, runs);
    for (int k = 0; k < runs.size(); k++) {
      double[] l = runs.get(k).latenciesMs();
      List<double[]> pts = new ArrayList<>();
      int steps = Math.min(400, l.length);
      for (int i = 1; i <= steps; i++) {
        int idx = (int) ((long) i * l.length / steps) - 1;
        pts.add(new double[] {x(l[idx], maxX), y((idx + 1) / (double) l.length, 1.0)});
      }
      c.polyline(pts, COLOURS[k % COLOURS.length]);
    }
  }

  private static void hops(Canvas c, List<Report> runs) {
    int maxHop = 1;
    double maxY = 0;
    for (Report r : runs) {
      long total = 0;
      for (long v : r.hopHistogram()) {
        total += v;
      }
      maxHop = Math.max(maxHop, r.hopHistogram().length - 1);
      for (long v : r.hopHistogram()) {
        maxY = Math.max(maxY, total == 0 ? 0 : v / (double) total);
      }
    }
    maxY = Math.min(1, nice(maxY));
    frame(c, "Hops of the first copy", "hops", "fraction of deliveries", 0, maxY, runs);
    double slot = (W - LEFT - RIGHT) / (double) (maxHop + 1);
    for (int i = 0; i <= maxHop; i++) {
      // one integer label under the middle of each group of bars
      c.line(LEFT + (i + 0.5) * slot, H - BOTTOM, LEFT + (i + 0.5) * slot, H - BOTTOM + 5, "#000000");
      c.text(LEFT + (i + 0.5) * slot, H - BOTTOM + 18, String.valueOf(i), 11, "middle");
    }
    double bar = slot * 0.8 / runs.size();
    for (int k = 0; k < runs.size(); k++) {
      long[] h = runs.get(k).hopHistogram();
      long total = 0;
      for (long v : h) {
        total += v;
      }
      for (int i = 0; i < h.length; i++) {
        double frac = total == 0 ? 0 : h[i] / (double) total;
        double x0 = LEFT + i * slot + slot * 0.1 + k * bar;
        double y0 = y(frac, maxY);
        c.rect(x0, y0, bar, H - BOTTOM - y0, COLOURS[k % COLOURS.length]);
      }
    }
  }

  private static void bandwidth(Canvas c, List<Report> runs) {
    double maxY = 1;
    int maxN = 1;
    List<long[]> sorted = new ArrayList<>();
    for (Report r : runs) {
      long[] out = new long[r.bytesPerNode().length];
      for (int i = 0; i < out.length; i++) {
        out[i] = r.bytesPerNode()[i][1];
      }
      java.util.Arrays.sort(out);
      sorted.add(out);
      maxN = Math.max(maxN, out.length);
      if (out.length > 0) {
        maxY = Math.max(maxY, out[out.length - 1] / 1024.0);
      }
    }
    maxY = nice(maxY);
    frame(c, "KiB sent per node (nodes sorted)", "node rank", "KiB sent", maxN, maxY, runs);
    for (int k = 0; k < runs.size(); k++) {
      long[] out = sorted.get(k);
      List<double[]> pts = new ArrayList<>();
      int steps = Math.min(400, out.length);
      for (int i = 1; i <= steps; i++) {
        int idx = (int) ((long) i * out.length / steps) - 1;
        pts.add(new double[] {x(idx + 1, maxN), y(out[idx] / 1024.0, maxY)});
      }
      c.polyline(pts, COLOURS[k % COLOURS.length]);
    }
  }

  private static double x(double v, double max) {
    return LEFT + (W - LEFT - RIGHT) * v / max;
  }

  private static double y(double v, double max) {
    return H - BOTTOM - (H - TOP - BOTTOM) * v / max;
  }

  /** 1, 2 or 5 times a power of ten, at least {@code v}. */
  static double nice(double v) {
    if (v <= 0) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static void frame(Canvas c, String title, String xLabel, String yLabel, double maxX, double maxY,
      List<Report> runs) {
    c.rect(0, 0, W, H, "#ffffff");
    c.text(W / 2.0, 22, title, 16, "middle");
    c.line(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM, "#000000");
    c.line(LEFT, TOP, LEFT, H - BOTTOM, "#000000");
    for (int i = 0; i <= 5; i++) {
      double xv = maxX * i / 5;
      double yv = maxY * i / 5;
      if (maxX > 0) { // maxX 0: the caller labels the x axis itself
        c.line(x(xv, maxX), H - BOTTOM, x(xv, maxX), H - BOTTOM + 5, "#000000");
        c.text(x(xv, maxX), H - BOTTOM + 18, label(xv), 11, "middle");
      }
      c.line(LEFT - 5, y(yv, maxY), LEFT, y(yv, maxY), "#000000");
      c.line(LEFT, y(yv, maxY), W - RIGHT, y(yv, maxY), "#e0e0e0");
      c.text(LEFT - 8, y(yv, maxY) + 4, label(yv), 11, "end");
    }
    c.text(W / 2.0, H - 12, xLabel, 12, "middle");
    // legend on the left, clear of CDF curves that rise on the right
    c.text(14, H / 2.0, yLabel, 12, "vertical");
    for (int k = 0; k < runs.size(); k++) {
      Summary s = runs.get(k).summary();
      double ly = TOP + 8 + 18 * k;
      c.rect(LEFT + 12, ly - 9, 12, 12, COLOURS[k % COLOURS.length]);
      c.text(LEFT + 30, ly + 2, s.name() + " (" + s.router() + ")", 12, "start");
    }
  }

  private static String label(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return String.valueOf((long) v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** Drawing primitives shared by the SVG and PNG back ends. */
  interface Canvas {
    void line(double x1, double y1, double x2, double y2, String colour);

    void rect(double x, double y, double w, double h, String colour);

    void polyline(List<double[]> points, String colour);

    /** {@code anchor}: start, middle, end, or vertical (rotated, centred). */
    void text(double x, double y, String text, int size, String anchor);
  }

  static final class Svg implements Canvas {
    private final StringBuilder sb = new StringBuilder();

    Svg() {
      sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
          .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" font-family=\"sans-serif\">\n");
    }

    private static String n(double v) {
      return String.format(Locale.ROOT, "%.1f", v);
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String colour) {
      sb.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
          .append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(colour).append("\"/>\n");
    }

    @Override
    public void rect(double x, double y, double w, double h, String colour) {
      sb.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
          .append("\" height=\"").append(n(Math.max(0, h))).append("\" fill=\"").append(colour).append("\"/>\n");
    }

    @Override
    public void polyline(List<double[]> points, String colour) {
      sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"");
      for (double[] p : points) {
        sb.append(n(p[0])).append(',').append(n(p[1])).append(' ');
      }
      sb.append("\"/>\n");
    }

    @Override
    public void text(double x, double y, String text, int size, String anchor) {
      String esc = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
      if (anchor.equals("vertical")) {
        sb.append("<text transform=\"translate(").append(n(x)).append(',').append(n(y))
            .append(") rotate(-90)\" text-anchor=\"middle\" font-size=\"").append(size).append("\">").append(esc)
            .append("</text>\n");
        return;
      }
      sb.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" text-anchor=\"").append(anchor)
          .append("\" font-size=\"").append(size).append("\">").append(esc).append("</text>\n");
    }

    String finish() {
      return sb.append("</svg>\n").toString();
    }
  }

  static final class Png implements Canvas {
    final BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    private final Graphics2D g = image.createGraphics();

    Png() {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String colour) {
      g.setColor(Color.decode(colour));
      g.setStroke(new BasicStroke(1));
      g.drawLine((int) x1, (int) y1, (int) x2, (int) y2);
    }

    @Override
    public void rect(double x, double y, double w, double h, String colour) {
      g.setColor(Color.decode(colour));
      g.fillRect((int) x, (int) y, (int) Math.ceil(w), (int) Math.ceil(Math.max(0, h)));
    }

    @Override
    public void polyline(List<double[]> points, String colour) {
      g.setColor(Color.decode(colour));
      g.setStroke(new BasicStroke(2));
      int[] xs = new int[points.size()];
      int[] ys = new int[points.size()];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = (int) points.get(i)[0];
        ys[i] = (int) points.get(i)[1];
      }
      g.drawPolyline(xs, ys, xs.length);
    }

    @Override
    public void text(double x, double y, String text, int size, String anchor) {
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
      int w = g.getFontMetrics().stringWidth(text);
      if (anchor.equals("vertical")) {
        Graphics2D r = (Graphics2D) g.create();
        r.translate(x, y);
        r.rotate(-Math.PI / 2);
        r.drawString(text, -w / 2, 0);
        r.dispose();
        return;
      }
      int dx = switch (anchor) {
        case "middle" -> -w / 2;
        case "end" -> -w;
        default -> 0;
      };
      g.drawString(text, (int) x + dx, (int) y);
    }
  }
}
