package dev.hearth.model;

import java.util.List;

/**
 * A summary family: {@code _count}, {@code _sum}, optional quantiles (series with a
 * {@code quantile} label) and {@code _created}.
 */
public final class SummarySnapshot extends MetricSnapshot<SummarySnapshot.DataPoint> {

  /**
   * A summary family.
   *
   * @throws IllegalArgumentException as {@link MetricSnapshot} says (label {@code quantile} is
   *     reserved), or when a count is negative
   */
  public SummarySnapshot(String name, String help, String unit, List<DataPoint> dataPoints) {
    super(name, help, unit, dataPoints, false);
  }

  SummarySnapshot(String name, String help, String unit, List<DataPoint> dataPoints,
      boolean trusted) {
    super(name, help, unit, dataPoints, trusted);
  }

  @Override
  String reservedLabel() {
    return "quantile";
  }

  @Override
  void checkPoint(DataPoint dp) {
    if (dp.count() < 0) {
      throw invalid("count " + dp.count() + " of " + dp.labels() + " is negative");
    }
  }

  @Override
  public MetricType type() {
    return MetricType.SUMMARY;
  }

  @Override
  void addSamples(DataPoint dp, List<Sample> out) {
    for (int i = 0; i < dp.quantileCount(); i++) {
      out.add(sample(name(), dp.labels().with("quantile",
          dev.hearth.internal.Doubles.format(dp.quantile(i))), dp.quantileValue(i), dp, null));
    }
    out.add(sample(name() + "_count", dp.labels(), dp.count(), dp, null));
    out.add(sample(name() + "_sum", dp.labels(), dp.sum(), dp, null));
    addCreated(dp, out);
  }

  /** One summary series. */
  public static final class DataPoint extends dev.hearth.model.DataPoint {
    private final double count;
    private final double sum;
    private final double[] quantiles;
    private final double[] values;

    /**
     * A summary series; {@code quantiles} (in [0, 1]) and {@code values} are parallel arrays,
     * possibly empty (copied).
     */
    public DataPoint(Labels labels, double count, double sum, double[] quantiles, double[] values,
        long createdMillis, long timestampMillis) {
      super(labels, createdMillis, timestampMillis);
      if (quantiles.length != values.length) {
        throw new IllegalArgumentException("Summary " + labels + " has " + quantiles.length
            + " quantiles but " + values.length + " values");
      }
      for (double q : quantiles) {
        if (!(q >= 0 && q <= 1)) {
          throw new IllegalArgumentException("Summary " + labels + ": quantile " + q
              + " is not in [0, 1]");
        }
      }
      this.count = count;
      this.sum = sum;
      this.quantiles = quantiles.clone();
      this.values = values.clone();
    }

    /** The number of observations. */
    public double count() {
      return count;
    }

    /** The sum of observations. */
    public double sum() {
      return sum;
    }

    /** The number of quantiles. */
    public int quantileCount() {
      return quantiles.length;
    }

    /** Quantile {@code i}, in [0, 1]. */
    public double quantile(int i) {
      return quantiles[i];
    }

    /** The estimated value of quantile {@code i} (NaN when there were no observations). */
    public double quantileValue(int i) {
      return values[i];
    }
  }
}
