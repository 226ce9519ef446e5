package dev.hearth.model;

import java.util.List;

/** An info family: constant label sets with value 1, exposed as {@code <name>_info}. */
public final class InfoSnapshot extends MetricSnapshot<InfoSnapshot.DataPoint> {

  /** An info family; {@code name} is without {@code _info}. */
  public InfoSnapshot(String name, String help, List<DataPoint> dataPoints) {
    super(name, help, "", dataPoints, false);
  }

  InfoSnapshot(String name, String help, List<DataPoint> dataPoints, boolean trusted) {
    super(name, help, "", dataPoints, trusted);
  }

  @Override
  public MetricType type() {
    return MetricType.INFO;
  }

  @Override
  void addSamples(DataPoint dp, List<Sample> out) {
    out.add(sample(name() + "_info", dp.labels(), 1.0, dp, null));
  }

  /** One info series: its labels carry the information. */
  public static final class DataPoint extends dev.hearth.model.DataPoint {
    /** An info series; {@code timestampMillis} may be {@link #NO_TIMESTAMP}. */
    public DataPoint(Labels labels, long timestampMillis) {
      super(labels, NO_TIMESTAMP, timestampMillis);
    }
  }
}
