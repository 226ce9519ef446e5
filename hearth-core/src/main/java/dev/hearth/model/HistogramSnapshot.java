package dev.hearth.model;

import java.util.List;

/**
 * A histogram family with explicit buckets: cumulative bucket counts ({@code _bucket} with
 * {@code le}), {@code _count}, {@code _sum} and {@code _created}.
 */
public final class HistogramSnapshot extends MetricSnapshot<HistogramSnapshot.DataPoint> {

  /**
   * A histogram family.
   *
   * @throws IllegalArgumentException as {@link MetricSnapshot} says (label {@code le} is
   *     reserved), or when a bucket count is negative, NaN or smaller than the one before
   */
  public HistogramSnapshot(String name, String help, String unit, List<DataPoint> dataPoints) {
    super(name, help, unit, dataPoints, false);
  }

  HistogramSnapshot(String name, String help, String unit, List<DataPoint> dataPoints,
      boolean trusted) {
    super(name, help, unit, dataPoints, trusted);
  }

  @Override
  String reservedLabel() {
    return "le";
  }

  @Override
  void checkPoint(DataPoint dp) {
    double previous = 0;
    for (int i = 0; i < dp.bucketCount(); i++) {
      double c = dp.cumulativeCount(i);
      if (!(c >= previous)) {
        throw invalid("bucket le=\"" + formatLe(dp.upperBound(i)) + "\" of " + dp.labels()
            + " has count " + c + (i == 0 ? "" : " after " + previous)
            + ": cumulative counts are >= 0, not NaN and non-decreasing");
      }
      previous = c;
    }
  }

  @Override
  public MetricType type() {
    return MetricType.HISTOGRAM;
  }

  @Override
  void addSamples(DataPoint dp, List<Sample> out) {
    for (int i = 0; i < dp.bucketCount(); i++) {
      out.add(sample(name() + "_bucket", dp.labels().with("le", formatLe(dp.upperBound(i))),
          dp.cumulativeCount(i), dp, dp.exemplar(i)));
    }
    out.add(sample(name() + "_count", dp.labels(), dp.count(), dp, null));
    out.add(sample(name() + "_sum", dp.labels(), dp.sum(), dp, null));
    addCreated(dp, out);
  }

  /** The {@code le} label value of a bound, as the exposition formats write it. */
  public static String formatLe(double bound) {
    return dev.hearth.internal.Doubles.format(bound);
  }

  /** One histogram series. */
  public static final class DataPoint extends dev.hearth.model.DataPoint {
    private final double[] upperBounds;
    private final double[] cumulativeCounts;
    private final double sum;
    private final Exemplar[] exemplars;

    /**
     * A histogram series.
     *
     * @param upperBounds strictly increasing, the last one {@code +Inf} (copied)
     * @param cumulativeCounts non-decreasing, one per bound (copied)
     * @param sum the sum of observations
     * @param exemplars one per bucket, entries may be null; or null for none (copied)
     */
    public DataPoint(Labels labels, double[] upperBounds, double[] cumulativeCounts, double sum,
        Exemplar[] exemplars, long createdMillis, long timestampMillis) {
      super(labels, createdMillis, timestampMillis);
      int n = upperBounds.length;
      if (n == 0 || upperBounds[n - 1] != Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("Histogram bounds of " + labels + " must end with +Inf");
      }
      if (cumulativeCounts.length != n) {
        throw new IllegalArgumentException("Histogram " + labels + " has " + n
            + " bounds but " + cumulativeCounts.length + " counts");
      }
      for (int i = 1; i < n; i++) {
        if (!(upperBounds[i] > upperBounds[i - 1])) {
          throw new IllegalArgumentException("Histogram bounds of " + labels
              + " are not strictly increasing at " + upperBounds[i]);
        }
      }
      if (exemplars != null && exemplars.length != n) {
        throw new IllegalArgumentException("Histogram " + labels + " has " + n
            + " buckets but " + exemplars.length + " exemplar slots");
      }
      this.upperBounds = upperBounds.clone();
      this.cumulativeCounts = cumulativeCounts.clone();
      this.sum = sum;
      this.exemplars = exemplars == null ? null : exemplars.clone();
    }

    /** The number of buckets, including {@code +Inf}. */
    public int bucketCount() {
      return upperBounds.length;
    }

    /** The upper bound of bucket {@code i}. */
    public double upperBound(int i) {
      return upperBounds[i];
    }

    /** The number of observations {@code <=} bound {@code i}. */
    public double cumulativeCount(int i) {
      return cumulativeCounts[i];
    }

    /** The total number of observations (the {@code +Inf} bucket). */
    public double count() {
      return cumulativeCounts[cumulativeCounts.length - 1];
    }

    /** The sum of observations. */
    public double sum() {
      return sum;
    }

    /** The exemplar of bucket {@code i}, or null. */
    public Exemplar exemplar(int i) {
      return exemplars == null ? null : exemplars[i];
    }
  }
}
