package dev.hearth;

import dev.hearth.internal.Names;
import dev.hearth.model.DataPoint;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Base of the metric-family builders that custom {@link Collector}s return, as Python
 * prometheus_client's {@code GaugeMetricFamily} and friends: a validated name, help and label
 * names, then one {@code addMetric(labelValues, ...)} per series, then {@link #build()}.
 *
 * <p>Not thread-safe: build a new family per {@code collect()} call.
 *
 * @param <F> the concrete family
 * @param <S> the snapshot it builds
 * @param <D> the snapshot's data point type
 */
public abstract class MetricFamily<F extends MetricFamily<F, S, D>, S extends MetricSnapshot<D>, D extends DataPoint> {
  final String name;
  final String help;
  final String unit;
  final List<String> labelNames;
  final List<D> points = new ArrayList<>();
  private final Set<Labels> seen = new HashSet<>();

  MetricFamily(String name, String help, List<String> labelNames, String unit, String strippedSuffix,
      List<String> reserved) {
    Objects.requireNonNull(name, "name");
    String n = strippedSuffix != null && name.endsWith(strippedSuffix)
        ? name.substring(0, name.length() - strippedSuffix.length()) : name;
    Names.checkMetricName(n);
    this.unit = unit == null ? "" : unit;
    if (!this.unit.isEmpty()) {
      Names.checkUnit(n, this.unit);
    }
    this.name = n;
    this.help = Objects.requireNonNull(help, "help");
    this.labelNames = List.copyOf(labelNames);
    Names.checkLabelNames(n, this.labelNames.toArray(new String[0]), reserved);
  }

  /** The family name. */
  public String name() {
    return name;
  }

  /** The labels of a new series; checks count and uniqueness. */
  final Labels labels(List<String> labelValues) {
    if (labelValues.size() != labelNames.size()) {
      throw new IllegalArgumentException("Metric family '" + name + "' has label names " + labelNames
          + " but got " + labelValues.size() + " value(s): " + labelValues);
    }
    Labels l = Labels.of(labelNames, labelValues);
    if (!seen.add(l)) {
      throw new IllegalArgumentException("Metric family '" + name + "' already has a series " + l);
    }
    return l;
  }

  @SuppressWarnings("unchecked")
  final F add(D point) {
    points.add(point);
    return (F) this;
  }

  static long millis(Double timestampSeconds) {
    return timestampSeconds == null ? DataPoint.NO_TIMESTAMP : Math.round(timestampSeconds * 1000);
  }

  /** The immutable snapshot of the series added so far. */
  public abstract S build();
}
