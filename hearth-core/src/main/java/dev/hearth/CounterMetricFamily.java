package dev.hearth;

import dev.hearth.model.CounterSnapshot;
import java.util.List;

/**
 * Builds a counter family in a custom {@link Collector}, as Python's {@code CounterMetricFamily}
 * (a trailing {@code _total} in the name is dropped from the family name).
 */
public final class CounterMetricFamily
    extends MetricFamily<CounterMetricFamily, CounterSnapshot, CounterSnapshot.DataPoint> {

  /** A family without labels. */
  public CounterMetricFamily(String name, String help) {
    this(name, help, List.of());
  }

  /** A family with these label names. */
  public CounterMetricFamily(String name, String help, List<String> labelNames) {
    this(name, help, labelNames, "");
  }

  /** A family with label names and a unit. */
  public CounterMetricFamily(String name, String help, List<String> labelNames, String unit) {
    super(name, help, labelNames, unit, "_total", List.of());
  }

  /** Adds the series of a family without labels. */
  public CounterMetricFamily addMetric(double value) {
    return addMetric(List.of(), value);
  }

  /** Adds a series. */
  public CounterMetricFamily addMetric(List<String> labelValues, double value) {
    return addMetric(labelValues, value, null, null);
  }

  /**
   * Adds a series with its creation time and sample timestamp, both in seconds and nullable.
   *
   * @throws IllegalArgumentException when {@code value} is negative or NaN
   */
  public CounterMetricFamily addMetric(List<String> labelValues, double value, Double createdSeconds,
      Double timestampSeconds) {
    if (!(value >= 0)) {
      throw new IllegalArgumentException(
          "Counter family '" + name + "': value " + value + " is invalid; counters are >= 0");
    }
    return add(new CounterSnapshot.DataPoint(labels(labelValues), value, null,
        millis(createdSeconds), millis(timestampSeconds)));
  }

  @Override
  public CounterSnapshot build() {
    return new CounterSnapshot(name, help, unit, points);
  }
}
