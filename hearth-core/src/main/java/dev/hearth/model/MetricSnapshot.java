package dev.hearth.model;

import dev.hearth.internal.Names;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The state of one metric family at scrape time: its name, help, unit, type and data points.
 * This is the contract between collectors and exposition writers, and what the exposition parser
 * produces. Immutable and thread-safe.
 *
 * <p>{@link #name()} is the family name as OpenMetrics defines it: without the {@code _total}
 * suffix of counters and the {@code _info} suffix of info metrics.
 *
 * <p>The public constructors validate, throwing {@link IllegalArgumentException} naming the
 * family and the offending label or value: the name and unit, every label name (syntax, no
 * {@code __} prefix, not the label the type adds: {@code le}, {@code quantile} or a state set's
 * own name), distinct label sets, and the type's rules (counter totals and histogram buckets
 * non-negative and not NaN, buckets non-decreasing; see each type). The data point list is
 * copied. Hearth's own metric types use an unchecked internal path: their data is valid by
 * construction.
 *
 * @param <D> the data point type
 */
public abstract class MetricSnapshot<D extends DataPoint> {
  private final String name;
  private final String help;
  private final String unit;
  private final List<D> dataPoints;

  MetricSnapshot(String name, String help, String unit, List<D> dataPoints, boolean trusted) {
    this.name = Objects.requireNonNull(name, "name");
    this.help = help == null ? "" : help;
    this.unit = unit == null ? "" : unit;
    Objects.requireNonNull(dataPoints, "dataPoints");
    if (trusted) {
      this.dataPoints = Collections.unmodifiableList(dataPoints);
    } else {
      this.dataPoints = copyWithoutNulls(dataPoints);
      validate();
    }
  }

  static {
    dev.hearth.internal.ModelAccess.setSnapshotFactory(MetricSnapshot::trusted);
  }

  /**
   * The unchecked constructor path of Hearth's own metric types, whose snapshots are valid by
   * construction (names and label names checked by their builders, one child per label set,
   * values checked when recorded); it saves a hash set and the per-point checks on every scrape.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static MetricSnapshot<?> trusted(MetricType type, String name, String help, String unit,
      List<? extends DataPoint> points, boolean checkValues) {
    List p = points;
    MetricSnapshot s;
    switch (type) {
      case COUNTER:
        s = new CounterSnapshot(name, help, unit, p, true);
        break;
      case GAUGE:
        s = new GaugeSnapshot(name, help, unit, p, true);
        break;
      case HISTOGRAM:
        s = new HistogramSnapshot(name, help, unit, p, true);
        break;
      case SUMMARY:
        s = new SummarySnapshot(name, help, unit, p, true);
        break;
      case INFO:
        s = new InfoSnapshot(name, help, p, true);
        break;
      case STATESET:
        s = new StateSetSnapshot(name, help, p, true);
        break;
      default:
        s = new UnknownSnapshot(name, help, unit, p, true);
    }
    if (checkValues) {
      for (Object dp : p) {
        s.checkPoint((DataPoint) dp);
      }
    }
    return s;
  }

  private List<D> copyWithoutNulls(List<D> points) {
    List<D> copy = new ArrayList<>(points);
    for (int i = 0; i < copy.size(); i++) {
      if (copy.get(i) == null) {
        throw invalid("data point " + i + " is null");
      }
    }
    return Collections.unmodifiableList(copy);
  }

  /**
   * The checks of the public constructors: what every exposition format needs of a family, so
   * that a custom collector cannot emit a line that makes Prometheus reject the whole scrape.
   */
  private void validate() {
    if (!Names.isValidMetricName(name)) {
      throw invalid("invalid name: must match [a-zA-Z_:][a-zA-Z0-9_:]*");
    }
    if (!unit.isEmpty()) {
      if (!Names.isValidLabelName(unit)) {
        throw invalid("invalid unit '" + unit + "': must match [a-zA-Z_][a-zA-Z0-9_]*");
      }
      if (!name.endsWith("_" + unit)) {
        throw invalid("the name must end with its unit '_" + unit + "'");
      }
    }
    String reserved = reservedLabel();
    Set<Labels> seen = new HashSet<>();
    Labels checked = null;
    for (D dp : dataPoints) {
      Labels l = dp.labels();
      if (checked == null || !l.sameNameInstances(checked)) {
        for (int i = 0; i < l.size(); i++) {
          checkLabelName(l.name(i), reserved, l);
        }
        checked = l;
      }
      if (!seen.add(l)) {
        throw invalid("two data points have the labels " + l);
      }
      checkPoint(dp);
    }
  }

  private void checkLabelName(String label, String reserved, Labels of) {
    if (!Names.isValidLabelName(label)) {
      throw invalid("invalid label name '" + label + "' in " + of
          + ": must match [a-zA-Z_][a-zA-Z0-9_]*");
    }
    if (label.startsWith("__")) {
      throw invalid("label name '" + label + "' in " + of
          + " is reserved: names starting with __ are for Prometheus' internal use");
    }
    if (label.equals(reserved)) {
      throw invalid("label name '" + label + "' in " + of + " is reserved for this type");
    }
  }

  /** The label name this type adds itself ({@code le}, {@code quantile}, ...), or null. */
  String reservedLabel() {
    return null;
  }

  /** The type's own rules for one data point; throws {@link #invalid(String)}. */
  void checkPoint(D dataPoint) {}

  /** An error naming this family, e.g. {@code counter family 'x': ...}. */
  final IllegalArgumentException invalid(String what) {
    return new IllegalArgumentException(
        type().openMetricsName() + " family '" + name + "': " + what);
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
