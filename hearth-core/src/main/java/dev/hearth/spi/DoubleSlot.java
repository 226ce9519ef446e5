package dev.hearth.spi;

/**
 * One stored double value, shared by every thread of the process that records into it.
 * Implementations must be thread-safe and lose no concurrent {@link #add(double)}.
 */
public interface DoubleSlot {
  /** Atomically adds {@code delta}. */
  void add(double delta);

  /** Sets the value (and, where the storage keeps one, the time it was set). */
  void set(double value);

  /** The current value. */
  double get();
}
