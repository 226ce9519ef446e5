package dev.hearth;

import dev.hearth.model.DataPoint;
import dev.hearth.model.UnknownSnapshot;
import java.util.List;

/** Builds a family of unknown type in a custom {@link Collector}, as Python's {@code UnknownMetricFamily}. */
public final class UnknownMetricFamily
    extends MetricFamily<UnknownMetricFamily, UnknownSnapshot, UnknownSnapshot.DataPoint> {

  /** A family without labels. */
  public UnknownMetricFamily(String name, String help) {
    this(name, help, List.of());
  }

  /** A family with these label names. */
  public UnknownMetricFamily(String name, String help, List<String> labelNames) {
    super(name, help, labelNames, "", null, List.of());
  }

  /** Adds the series of a family without labels. */
  public UnknownMetricFamily addMetric(double value) {
    return addMetric(List.of(), value);
  }

  /** Adds a series. */
  public UnknownMetricFamily addMetric(List<String> labelValues, double value) {
    return add(new UnknownSnapshot.DataPoint(labels(labelValues), value, null, DataPoint.NO_TIMESTAMP));
  }

  @Override
  public UnknownSnapshot build() {
    return new UnknownSnapshot(name, help, unit, points);
  }
}
