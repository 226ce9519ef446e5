package dev.hearth;

import dev.hearth.model.GaugeSnapshot;
import java.util.List;

/**
 * Builds a gauge family in a custom {@link Collector}, as Python's {@code GaugeMetricFamily}.
 *
 * <pre>{@code
 * new GaugeMetricFamily("db_pool_connections", "Connections by state", List.of("state"))
 *     .addMetric(List.of("idle"), pool.idle())
 *     .addMetric(List.of("busy"), pool.busy())
 *     .build();
 * }</pre>
 */
public final class GaugeMetricFamily
    extends MetricFamily<GaugeMetricFamily, GaugeSnapshot, GaugeSnapshot.DataPoint> {

  /** A family without labels. */
  public GaugeMetricFamily(String name, String help) {
    this(name, help, List.of());
  }

  /** A family with these label names. */
  public GaugeMetricFamily(String name, String help, List<String> labelNames) {
    this(name, help, labelNames, "");
  }

  /** A family with label names and a unit (the name must end with {@code _<unit>}). */
  public GaugeMetricFamily(String name, String help, List<String> labelNames, String unit) {
    super(name, help, labelNames, unit, null, List.of());
  }

  /** Adds the series of a family without labels. */
  public GaugeMetricFamily addMetric(double value) {
    return addMetric(List.of(), value);
  }

  /** Adds a series. */
  public GaugeMetricFamily addMetric(List<String> labelValues, double value) {
    return addMetric(labelValues, value, null);
  }

  /** Adds a series with a timestamp in seconds (may be null). */
  public GaugeMetricFamily addMetric(List<String> labelValues, double value, Double timestampSeconds) {
    return add(new GaugeSnapshot.DataPoint(labels(labelValues), value, millis(timestampSeconds)));
  }

  @Override
  public GaugeSnapshot build() {
    return new GaugeSnapshot(name, help, unit, points);
  }
}
