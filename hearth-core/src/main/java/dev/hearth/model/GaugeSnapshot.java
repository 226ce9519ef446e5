package dev.hearth.model;

import java.util.List;

/** A gauge family: values that go up and down. */
public final class GaugeSnapshot extends MetricSnapshot<GaugeSnapshot.DataPoint> {

  /** A gauge family. */
  public GaugeSnapshot(String name, String help, String unit, List<DataPoint> dataPoints) {
    super(name, help, unit, dataPoints, false);
  }

  GaugeSnapshot(String name, String help, String unit, List<DataPoint> dataPoints, boolean trusted) {
    super(name, help, unit, dataPoints, trusted);
  }

  @Override
  public MetricType type() {
    return MetricType.GAUGE;
  }

  @Override
  void addSamples(DataPoint dp, List<Sample> out) {
    out.add(sample(name(), dp.labels(), dp.value(), dp, null));
  }

  /** One gauge series. */
  public static final class DataPoint extends dev.hearth.model.DataPoint {
    private final double value;

    /** A gauge value; {@code timestampMillis} may be {@link #NO_TIMESTAMP}. */
    public DataPoint(Labels labels, double value, long timestampMillis) {
      super(labels, NO_TIMESTAMP, timestampMillis);
      this.value = value;
    }

    /** The current value. */
    public double value() {
      return value;
    }
  }
}
