package dev.hearth;

import dev.hearth.model.DataPoint;
import dev.hearth.model.StateSetSnapshot;
import java.util.List;
import java.util.Map;

/** Builds a state set family in a custom {@link Collector}, as Python's {@code StateSetMetricFamily}. */
public final class StateSetMetricFamily
    extends MetricFamily<StateSetMetricFamily, StateSetSnapshot, StateSetSnapshot.DataPoint> {

  /** A family without labels. */
  public StateSetMetricFamily(String name, String help) {
    this(name, help, List.of());
  }

  /** A family with these label names (which must not include the family name). */
  public StateSetMetricFamily(String name, String help, List<String> labelNames) {
    super(name, help, labelNames, "", null, List.of(name));
  }

  /** Adds the series of a family without labels: state name to enabled, in iteration order. */
  public StateSetMetricFamily addMetric(Map<String, Boolean> states) {
    return addMetric(List.of(), states);
  }

  /** Adds a series: state name to enabled, in iteration order. */
  public StateSetMetricFamily addMetric(List<String> labelValues, Map<String, Boolean> states) {
    String[] names = new String[states.size()];
    boolean[] enabled = new boolean[states.size()];
    int i = 0;
    for (Map.Entry<String, Boolean> e : states.entrySet()) {
      names[i] = e.getKey();
      enabled[i++] = e.getValue();
    }
    return add(new StateSetSnapshot.DataPoint(labels(labelValues), names, enabled, DataPoint.NO_TIMESTAMP));
  }

  @Override
  public StateSetSnapshot build() {
    return new StateSetSnapshot(name, help, points);
  }
}
