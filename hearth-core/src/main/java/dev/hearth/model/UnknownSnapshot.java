package dev.hearth.model;

import java.util.List;

/** A family of unknown type (Prometheus {@code untyped}). */
public final class UnknownSnapshot extends MetricSnapshot<UnknownSnapshot.DataPoint> {

  /** An unknown-typed family. */
  public UnknownSnapshot(String name, String help, String unit, List<DataPoint> dataPoints) {
    super(name, help, unit, dataPoints, false);
  }

  UnknownSnapshot(String name, String help, String unit, List<DataPoint> dataPoints, boolean trusted) {
    super(name, help, unit, dataPoints, trusted);
  }

  @Override
  public MetricType type() {
    return MetricType.UNKNOWN;
  }

  @Override
  void addSamples(DataPoint dp, List<Sample> out) {
    out.add(sample(name(), dp.labels(), dp.value(), dp, dp.exemplar()));
  }

  /** One series of unknown type. */
  public static final class DataPoint extends dev.hearth.model.DataPoint {
    private final double value;
    private final Exemplar exemplar;

    /** A value; {@code exemplar} may be null; {@code timestampMillis} may be {@link #NO_TIMESTAMP}. */
    public DataPoint(Labels labels, double value, Exemplar exemplar, long timestampMillis) {
      super(labels, NO_TIMESTAMP, timestampMillis);
      this.value = value;
      this.exemplar = exemplar;
    }

    /** The value. */
    public double value() {
      return value;
    }

    /** The exemplar, or null. */
    public Exemplar exemplar() {
      return exemplar;
    }
  }
}
