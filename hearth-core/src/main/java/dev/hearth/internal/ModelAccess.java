package dev.hearth.internal;

import dev.hearth.model.DataPoint;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.MetricType;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Trusted, unchecked constructors of model types for Hearth's own modules.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class ModelAccess {
  private static BiFunction<String[], String[], Labels> labelsFactory;
  private static SnapshotFactory snapshotFactory;

  /** Builds a snapshot of a type without the public constructors' checks. */
  @FunctionalInterface
  public interface SnapshotFactory {
    /** The snapshot; {@code points} must be of the type's data point class. */
    MetricSnapshot<?> create(MetricType type, String name, String help, String unit,
        List<? extends DataPoint> points, boolean checkValues);
  }

  private ModelAccess() {}

  /** Called once by {@link Labels}' static initializer. */
  public static void setLabelsFactory(BiFunction<String[], String[], Labels> factory) {
    if (labelsFactory == null) {
      labelsFactory = factory;
    }
  }

  /**
   * Labels sharing {@code names} (never modified afterwards) and owning {@code values}; neither is
   * copied or checked. The caller guarantees names are valid and unique and values non-null.
   */
  public static Labels labels(String[] names, String[] values) {
    if (labelsFactory == null) {
      Labels.EMPTY.size(); // runs Labels' static initializer
    }
    return labelsFactory.apply(names, values);
  }

  /** Called once by {@link MetricSnapshot}'s static initializer. */
  public static void setSnapshotFactory(SnapshotFactory factory) {
    if (snapshotFactory == null) {
      snapshotFactory = factory;
    }
  }

  /**
   * A snapshot built without validation, for Hearth's metric types whose data is valid by
   * construction; {@code points} is wrapped, not copied. Other callers use the public
   * constructors, which validate.
   */
  @SuppressWarnings("unchecked")
  public static <S extends MetricSnapshot<?>> S snapshot(MetricType type, String name, String help,
      String unit, List<? extends DataPoint> points) {
    SnapshotFactory f = snapshotFactory;
    if (f == null) {
      initialize(MetricSnapshot.class); // its static initializer installs the factory
      f = snapshotFactory;
    }
    return (S) f.create(type, name, help, unit, points, false);
  }

  /**
   * A snapshot whose structure the caller has validated before (valid names, valid and distinct
   * label sets: e.g. by building the same family once through the public constructor), but whose
   * values are not known to be valid: only the type's per-point value rules run (a counter total
   * is {@code >= 0}, histogram buckets are non-decreasing, ...), as the public constructors would,
   * throwing the same {@link IllegalArgumentException}. {@code points} is wrapped, not copied.
   */
  @SuppressWarnings("unchecked")
  public static <S extends MetricSnapshot<?>> S snapshotCheckingValues(MetricType type,
      String name, String help, String unit, List<? extends DataPoint> points) {
    SnapshotFactory f = snapshotFactory;
    if (f == null) {
      initialize(MetricSnapshot.class);
      f = snapshotFactory;
    }
    return (S) f.create(type, name, help, unit, points, true);
  }

  private static void initialize(Class<?> c) {
    try {
      Class.forName(c.getName(), true, c.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }
}
