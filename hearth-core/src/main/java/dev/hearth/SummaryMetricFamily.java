package dev.hearth;

import dev.hearth.model.DataPoint;
import dev.hearth.model.SummarySnapshot;
import java.util.List;

/** Builds a summary family in a custom {@link Collector}, as Python's {@code SummaryMetricFamily}. */
public final class SummaryMetricFamily
    extends MetricFamily<SummaryMetricFamily, SummarySnapshot, SummarySnapshot.DataPoint> {

  /** A family without labels. */
  public SummaryMetricFamily(String name, String help) {
    this(name, help, List.of());
  }

  /** A family with these label names. */
  public SummaryMetricFamily(String name, String help, List<String> labelNames) {
    this(name, help, labelNames, "");
  }

  /** A family with label names and a unit. */
  public SummaryMetricFamily(String name, String help, List<String> labelNames, String unit) {
    super(name, help, labelNames, unit, null, List.of("quantile"));
  }

  /** Adds a series with count and sum only. */
  public SummaryMetricFamily addMetric(List<String> labelValues, double count, double sum) {
    return addMetric(labelValues, count, sum, new double[0], new double[0]);
  }

  /** Adds a series with quantiles (parallel arrays). */
  public SummaryMetricFamily addMetric(List<String> labelValues, double count, double sum,
      double[] quantiles, double[] values) {
    return add(new SummarySnapshot.DataPoint(labels(labelValues), count, sum, quantiles, values,
        DataPoint.NO_TIMESTAMP, DataPoint.NO_TIMESTAMP));
  }

  @Override
  public SummarySnapshot build() {
    return new SummarySnapshot(name, help, unit, points);
  }
}
