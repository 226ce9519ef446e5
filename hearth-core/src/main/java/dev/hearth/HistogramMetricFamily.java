package dev.hearth;

import dev.hearth.model.DataPoint;
import dev.hearth.model.HistogramSnapshot;
import java.util.List;

/**
 * Builds a histogram family in a custom {@link Collector}, as Python's
 * {@code HistogramMetricFamily}: cumulative bucket counts by upper bound (ending with
 * {@code +Inf}) and the sum.
 */
public final class HistogramMetricFamily
    extends MetricFamily<HistogramMetricFamily, HistogramSnapshot, HistogramSnapshot.DataPoint> {

  /** A family without labels. */
  public HistogramMetricFamily(String name, String help) {
    this(name, help, List.of());
  }

  /** A family with these label names. */
  public HistogramMetricFamily(String name, String help, List<String> labelNames) {
    this(name, help, labelNames, "");
  }

  /** A family with label names and a unit. */
  public HistogramMetricFamily(String name, String help, List<String> labelNames, String unit) {
    super(name, help, labelNames, unit, null, List.of("le"));
  }

  /**
   * Adds a series.
   *
   * @param upperBounds strictly increasing, ending with {@code +Inf}
   * @param cumulativeCounts non-decreasing, one per bound
   */
  public HistogramMetricFamily addMetric(List<String> labelValues, double[] upperBounds,
      double[] cumulativeCounts, double sum) {
    for (int i = 1; i < cumulativeCounts.length; i++) {
      if (cumulativeCounts[i] < cumulativeCounts[i - 1]) {
        throw new IllegalArgumentException("Histogram family '" + name
            + "': bucket counts must be cumulative, but " + cumulativeCounts[i] + " follows "
            + cumulativeCounts[i - 1]);
      }
    }
    return add(new HistogramSnapshot.DataPoint(labels(labelValues), upperBounds, cumulativeCounts,
        sum, null, DataPoint.NO_TIMESTAMP, DataPoint.NO_TIMESTAMP));
  }

  @Override
  public HistogramSnapshot build() {
    return new HistogramSnapshot(name, help, unit, points);
  }
}
