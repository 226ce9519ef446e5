package dev.hearth.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The state of one metric family at scrape time: its name, help, unit, type and data points.
 * This is the contract between collectors and exposition writers, and what the exposition parser
 * produces. Immutable and thread-safe.
 *
 * <p>{@link #name()} is the family name as OpenMetrics defines it: without the {@code _total}
 * suffix of counters and the {@code _info} suffix of info metrics.
 *
 * @param <D> the data point type
 */
public abstract class MetricSnapshot<D extends DataPoint> {
  private final String name;
  private final String help;
  private final String unit;
  private final List<D> dataPoints;

  MetricSnapshot(String name, String help, String unit, List<D> dataPoints) {
    this.name = Objects.requireNonNull(name, "name");
    this.help = help == null ? "" : help;
    this.unit = unit == null ? "" : unit;
    this.dataPoints = Collections.unmodifiableList(Objects.requireNonNull(dataPoints, "dataPoints"));
  }

  /** The family name (no {@code _total} or {@code _info} suffix). */
  public String name() {
    return name;
  }

  /** The help text, empty when none. */
  public String help() {
    return help;
  }

  /** The unit (OpenMetrics {@code # UNIT}), empty when none. */
  public String unit() {
    return unit;
  }

  /** The family's type. */
  public abstract MetricType type();

  /** The data points, one per series, in collection order. */
  public List<D> dataPoints() {
    return dataPoints;
  }

  /**
   * The flat samples of this family as they would be exposed in OpenMetrics (e.g. {@code x_total},
   * {@code x_created}; {@code x_bucket} with {@code le}). Allocates; meant for tests and tools.
   */
  public List<Sample> samples() {
    List<Sample> out = new ArrayList<>();
    for (D dp : dataPoints) {
      addSamples(dp, out);
    }
    return out;
  }

  abstract void addSamples(D dataPoint, List<Sample> out);

  static double seconds(long millis) {
    return millis / 1000.0;
  }

  static Sample sample(String name, Labels labels, double value, DataPoint dp, Exemplar ex) {
    return new Sample(name, labels, value, dp.timestampMillis(), ex);
  }

  void addCreated(D dp, List<Sample> out) {
    if (dp.hasCreated()) {
      out.add(sample(name + "_created", dp.labels(), seconds(dp.createdMillis()), dp, null));
    }
  }

  @Override
  public String toString() {
    return type().openMetricsName() + " " + name + " " + samples();
  }
}
