package dev.hearth;

import dev.hearth.internal.ModelAccess;
import dev.hearth.model.DataPoint;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.MetricType;
import dev.hearth.model.StateSetSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Which of a fixed set of states something is in (Python prometheus_client's {@code Enum}).
 *
 * <pre>{@code
 * StateSet s = StateSet.builder("task_state").help("Task state")
 *     .states("starting", "running", "stopped").register();
 * s.state("running");
 * // task_state{task_state="running"} 1.0, the others 0.0
 * }</pre>
 *
 * <p>Each series starts in the first state. Heap storage only, as in Python. Thread-safe.
 */
public final class StateSet extends Metric<StateSet.Child> {
  private final String[] states;

  private StateSet(Builder b) {
    super(b);
    this.states = b.states;
    init();
  }

  /** A builder for a state set named {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  @Override
  MetricType type() {
    return MetricType.STATESET;
  }

  @Override
  Child newChild(String[] values, boolean detached) {
    return new Child();
  }

  /** See {@link Child#state(String)}. */
  public void state(String state) {
    noLabelsChild().state(state);
  }

  /** The states, in declaration order. */
  public List<String> states() {
    return List.of(states);
  }

  @Override
  public StateSetSnapshot snapshot() {
    List<StateSetSnapshot.DataPoint> points = new ArrayList<>(childCount());
    forEachChild((labels, c) -> points.add(c.dataPoint(labels)));
    return ModelAccess.snapshot(MetricType.STATESET, name, help, "", points); // unchecked: valid by construction
  }

  @Override
  MetricSnapshot<?> emptySnapshot() {
    return new StateSetSnapshot(name, help, List.of());
  }

  /** One series of a state set. Thread-safe. */
  public final class Child {
    private volatile int current;

    Child() {}

    /**
     * Switches to {@code state}.
     *
     * @throws IllegalArgumentException when {@code state} is not one of the declared states
     */
    public void state(String state) {
      for (int i = 0; i < states.length; i++) {
        if (states[i].equals(state)) {
          current = i;
          return;
        }
      }
      throw new IllegalArgumentException("StateSet '" + name + "': unknown state '" + state
          + "', expected one of " + Arrays.toString(states));
    }

    /** The current state. */
    public String state() {
      return states[current];
    }

    StateSetSnapshot.DataPoint dataPoint(Labels labels) {
      boolean[] enabled = new boolean[states.length];
      enabled[current] = true;
      return new StateSetSnapshot.DataPoint(labels, states, enabled, DataPoint.NO_TIMESTAMP);
    }
  }

  /** Builds a {@link StateSet}. */
  public static final class Builder extends Metric.Builder<Builder, StateSet> {
    private String[] states;

    private Builder(String name) {
      super(name);
    }

    @Override
    Builder self() {
      return this;
    }

    @Override
    boolean heapOnly() {
      return true;
    }

    /** The possible states, at least one, distinct; the first is the initial state. */
    public Builder states(String... states) {
      this.states = states.clone();
      return this;
    }

    @Override
    List<String> reservedLabels() {
      return List.of(familyName());
    }

    @Override
    public StateSet build() {
      validate();
      String family = familyName();
      if (states == null || states.length == 0) {
        throw new IllegalArgumentException("StateSet '" + family + "': no states given");
      }
      if (new HashSet<>(Arrays.asList(states)).size() != states.length) {
        throw new IllegalArgumentException(
            "StateSet '" + family + "': states are not distinct: " + Arrays.toString(states));
      }
      for (String s : states) {
        Objects.requireNonNull(s, "state");
      }
      return new StateSet(this);
    }
  }
}
