package dev.hearth.internal;

import dev.hearth.model.Labels;
import java.util.function.BiFunction;

/**
 * Trusted, unchecked constructors of model types for Hearth's own modules.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class ModelAccess {
  private static BiFunction<String[], String[], Labels> labelsFactory;

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
}
