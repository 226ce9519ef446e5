package dev.hearth;

import java.util.Arrays;

/**
 * Histogram bucket bounds: the defaults and generators.
 *
 * <pre>{@code
 * Histogram.builder("size_bytes").buckets(Buckets.exponential(100, 10, 5)).register();  // 100 .. 1e6
 * }</pre>
 */
public final class Buckets {
  /** Python prometheus_client's and client_java's defaults (+Inf is appended). */
  private static final double[] DEFAULTS = {
    .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10
  };

  private Buckets() {}

  /** The default bounds {@code .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10} (a copy). */
  public static double[] defaults() {
    return DEFAULTS.clone();
  }

  /**
   * {@code count} bounds {@code start, start + width, ...}.
   *
   * @throws IllegalArgumentException when {@code count < 1} or {@code width <= 0}
   */
  public static double[] linear(double start, double width, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("Buckets.linear: count must be >= 1, got " + count);
    }
    if (!(width > 0) || Double.isInfinite(width) || !Double.isFinite(start)) {
      throw new IllegalArgumentException("Buckets.linear: needs a finite start and a finite width > 0, got start "
          + start + ", width " + width);
    }
    double[] b = new double[count];
    for (int i = 0; i < count; i++) {
      b[i] = start + i * width;
    }
    return b;
  }

  /**
   * {@code count} bounds {@code start, start * factor, ...}.
   *
   * @throws IllegalArgumentException when {@code count < 1}, {@code start <= 0} or {@code factor <= 1}
   */
  public static double[] exponential(double start, double factor, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("Buckets.exponential: count must be >= 1, got " + count);
    }
    if (!(start > 0) || Double.isInfinite(start) || !(factor > 1) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("Buckets.exponential: needs start > 0 and factor > 1, got start "
          + start + ", factor " + factor);
    }
    double[] b = new double[count];
    b[0] = start;
    for (int i = 1; i < count; i++) {
      b[i] = b[i - 1] * factor;
    }
    return b;
  }

  /**
   * Validated bounds with {@code +Inf} appended when missing.
   *
   * @throws IllegalArgumentException naming the metric and the offending bound
   */
  static double[] normalize(String metric, double[] bounds) {
    if (bounds.length == 0) {
      throw new IllegalArgumentException("Histogram '" + metric + "': at least one bucket bound is needed");
    }
    for (int i = 0; i < bounds.length; i++) {
      if (Double.isNaN(bounds[i])) {
        throw new IllegalArgumentException("Histogram '" + metric + "': bucket bound " + i + " is NaN");
      }
      if (i > 0 && bounds[i] == bounds[i - 1]) {
        throw new IllegalArgumentException("Histogram '" + metric + "': duplicate bucket bound " + bounds[i]);
      }
      if (i > 0 && bounds[i] < bounds[i - 1]) {
        throw new IllegalArgumentException("Histogram '" + metric + "': bucket bounds must be sorted, but "
            + bounds[i] + " follows " + bounds[i - 1]);
      }
    }
    if (bounds[bounds.length - 1] == Double.POSITIVE_INFINITY) {
      return bounds.clone();
    }
    double[] b = Arrays.copyOf(bounds, bounds.length + 1);
    b[bounds.length] = Double.POSITIVE_INFINITY;
    return b;
  }
}
