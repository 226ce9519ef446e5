package dev.hearth.model;

import java.util.List;

/** A counter family: monotonic totals, exposed as {@code <name>_total} and {@code <name>_created}. */
public final class CounterSnapshot extends MetricSnapshot<CounterSnapshot.DataPoint> {

  /**
   * A counter family; {@code name} is without {@code _total}.
   *
   * @throws IllegalArgumentException as {@link MetricSnapshot} says, or when a total is negative
   *     or NaN
   */
  public CounterSnapshot(String name, String help, String unit, List<DataPoint> dataPoints) {
    super(name, help, unit, dataPoints, false);
  }

  CounterSnapshot(String name, String help, String unit, List<DataPoint> dataPoints, boolean trusted) {
    super(name, help, unit, dataPoints, trusted);
  }

  @Override
  void checkPoint(DataPoint dp) {
    if (!(dp.value() >= 0)) {
      throw invalid("total " + dp.value() + " of " + dp.labels()
          + " is invalid: counters are >= 0 and not NaN");
    }
  }

  @Override
  public MetricType type() {
    return MetricType.COUNTER;
  }

  @Override
  void addSamples(DataPoint dp, List<Sample> out) {
    out.add(sample(name() + "_total", dp.labels(), dp.value(), dp, dp.exemplar()));
    addCreated(dp, out);
  }

  /** One counter series. */
  public static final class DataPoint extends dev.hearth.model.DataPoint {
    private final double value;
    private final Exemplar exemplar;

    /** A counter value; {@code exemplar} may be null; times may be {@link #NO_TIMESTAMP}. */
    public DataPoint(Labels labels, double value, Exemplar exemplar, long createdMillis, long timestampMillis) {
      super(labels, createdMillis, timestampMillis);
      this.value = value;
      this.exemplar = exemplar;
    }

    /** The total. */
    public double value() {
      return value;
    }

    /** The latest exemplar, or null. */
    public Exemplar exemplar() {
      return exemplar;
    }
  }
}
