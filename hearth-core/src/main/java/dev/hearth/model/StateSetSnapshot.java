package dev.hearth.model;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Objects;

/**
 * A state set family: each series has a fixed list of states, each enabled (1) or not (0),
 * exposed with a label named after the family.
 */
public final class StateSetSnapshot extends MetricSnapshot<StateSetSnapshot.DataPoint> {

  /**
   * A state set family.
   *
   * @throws IllegalArgumentException as {@link MetricSnapshot} says (a label named like the
   *     family is reserved), or when a data point names a state twice
   */
  public StateSetSnapshot(String name, String help, List<DataPoint> dataPoints) {
    super(name, help, "", dataPoints, false);
  }

  StateSetSnapshot(String name, String help, List<DataPoint> dataPoints, boolean trusted) {
    super(name, help, "", dataPoints, trusted);
  }

  @Override
  String reservedLabel() {
    return name();
  }

  @Override
  void checkPoint(DataPoint dp) {
    Set<String> states = new HashSet<>();
    for (int i = 0; i < dp.size(); i++) {
      if (!states.add(dp.state(i))) {
        throw invalid("state '" + dp.state(i) + "' appears twice in " + dp.labels());
      }
    }
  }

  @Override
  public MetricType type() {
    return MetricType.STATESET;
  }

  @Override
  void addSamples(DataPoint dp, List<Sample> out) {
    for (int i = 0; i < dp.size(); i++) {
      out.add(sample(name(), dp.labels().with(name(), dp.state(i)), dp.enabled(i) ? 1 : 0, dp, null));
    }
  }

  /** One state set series. */
  public static final class DataPoint extends dev.hearth.model.DataPoint {
    private final String[] states;
    private final boolean[] enabled;

    /** States and their flags (parallel arrays, copied). */
    public DataPoint(Labels labels, String[] states, boolean[] enabled, long timestampMillis) {
      super(labels, NO_TIMESTAMP, timestampMillis);
      if (states.length != enabled.length) {
        throw new IllegalArgumentException(
            "StateSet data point has " + states.length + " states but " + enabled.length + " flags");
      }
      for (String s : states) {
        Objects.requireNonNull(s, "state");
      }
      this.states = states.clone();
      this.enabled = enabled.clone();
    }

    /** The number of states. */
    public int size() {
      return states.length;
    }

    /** The name of state {@code i}. */
    public String state(int i) {
      return states[i];
    }

    /** Whether state {@code i} is set. */
    public boolean enabled(int i) {
      return enabled[i];
    }
  }
}
