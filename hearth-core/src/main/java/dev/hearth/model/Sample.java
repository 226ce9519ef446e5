package dev.hearth.model;

import java.util.Objects;

/**
 * One exposition line's worth of data: a sample name such as {@code requests_total} or
 * {@code latency_bucket}, its full labels (including {@code le}/{@code quantile}), its value,
 * and optionally a timestamp and an exemplar. The flat view of a {@link MetricSnapshot}, as in
 * Python prometheus_client. Immutable.
 */
public final class Sample {
  private final String name;
  private final Labels labels;
  private final double value;
  private final long timestampMillis;
  private final Exemplar exemplar;

  /** A sample; {@code exemplar} may be null, {@code timestampMillis} may be {@link DataPoint#NO_TIMESTAMP}. */
  public Sample(String name, Labels labels, double value, long timestampMillis, Exemplar exemplar) {
    this.name = Objects.requireNonNull(name, "name");
    this.labels = Objects.requireNonNull(labels, "labels");
    this.value = value;
    this.timestampMillis = timestampMillis;
    this.exemplar = exemplar;
  }

  /** The sample name, e.g. {@code http_requests_total}. */
  public String name() {
    return name;
  }

  /** All labels of the line. */
  public Labels labels() {
    return labels;
  }

  /** The value. */
  public double value() {
    return value;
  }

  /** Epoch ms or {@link DataPoint#NO_TIMESTAMP}. */
  public long timestampMillis() {
    return timestampMillis;
  }

  /** The exemplar, or null. */
  public Exemplar exemplar() {
    return exemplar;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Sample)) {
      return false;
    }
    Sample s = (Sample) o;
    return s.name.equals(name)
        && s.labels.equals(labels)
        && Double.compare(s.value, value) == 0
        && s.timestampMillis == timestampMillis
        && Objects.equals(s.exemplar, exemplar);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, labels, value);
  }

  @Override
  public String toString() {
    return name + labels + " " + value
        + (timestampMillis != DataPoint.NO_TIMESTAMP ? " @" + timestampMillis : "")
        + (exemplar != null ? " # " + exemplar : "");
  }
}
