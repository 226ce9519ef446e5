package dev.hearth.model;

/** The type of a metric family, as named by OpenMetrics. */
public enum MetricType {
  COUNTER("counter"),
  GAUGE("gauge"),
  HISTOGRAM("histogram"),
  SUMMARY("summary"),
  INFO("info"),
  STATESET("stateset"),
  UNKNOWN("unknown");

  private final String openMetricsName;

  MetricType(String openMetricsName) {
    this.openMetricsName = openMetricsName;
  }

  /** The name used in an OpenMetrics {@code # TYPE} line. */
  public String openMetricsName() {
    return openMetricsName;
  }
}
