package dev.hearth.spi;

import java.util.Objects;

/**
 * The process-wide {@link ValueStorage} that metric builders use by default. Install it before
 * creating metrics; metrics keep the storage they were built with.
 */
public final class ValueStorages {
  private static volatile ValueStorage current;

  private ValueStorages() {}

  /** Makes {@code storage} the default for metrics built from now on. */
  public static void install(ValueStorage storage) {
    current = Objects.requireNonNull(storage, "storage");
  }

  /** Goes back to heap storage for metrics built from now on. */
  public static void uninstall() {
    current = null;
  }

  /** The installed storage, or {@code null} for heap storage. */
  public static ValueStorage current() {
    return current;
  }
}
