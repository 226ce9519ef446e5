package dev.hearth;

import dev.hearth.model.DataPoint;
import dev.hearth.model.InfoSnapshot;
import dev.hearth.model.Labels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds an info family in a custom {@link Collector}, as Python's {@code InfoMetricFamily}. */
public final class InfoMetricFamily
    extends MetricFamily<InfoMetricFamily, InfoSnapshot, InfoSnapshot.DataPoint> {

  /** A family without labels. */
  public InfoMetricFamily(String name, String help) {
    this(name, help, List.of());
  }

  /** A family with these label names (a trailing {@code _info} in the name is dropped). */
  public InfoMetricFamily(String name, String help, List<String> labelNames) {
    super(name, help, labelNames, "", "_info", List.of());
  }

  /** Adds the series of a family without labels. */
  public InfoMetricFamily addMetric(Map<String, String> info) {
    return addMetric(List.of(), info);
  }

  /** Adds a series: its label values plus the info pairs. */
  public InfoMetricFamily addMetric(List<String> labelValues, Map<String, String> info) {
    Map<String, String> all = new LinkedHashMap<>(labels(labelValues).toMap());
    for (Map.Entry<String, String> e : info.entrySet()) {
      if (all.put(e.getKey(), e.getValue()) != null) {
        throw new IllegalArgumentException(
            "Info family '" + name + "': info key '" + e.getKey() + "' clashes with a label name");
      }
    }
    dev.hearth.internal.Names.checkLabelNames(name, info.keySet().toArray(new String[0]), List.of());
    return add(new InfoSnapshot.DataPoint(Labels.of(all), DataPoint.NO_TIMESTAMP));
  }

  @Override
  public InfoSnapshot build() {
    return new InfoSnapshot(name, help, points);
  }
}
