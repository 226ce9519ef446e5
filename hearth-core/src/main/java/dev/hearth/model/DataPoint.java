package dev.hearth.model;

import java.util.Objects;

/**
 * One series of a metric family at scrape time: its labels, and optionally a sample timestamp and
 * a creation time. Subclasses add the type's values. Immutable.
 */
public abstract class DataPoint {
  /** Marks an absent timestamp or creation time. */
  public static final long NO_TIMESTAMP = Long.MIN_VALUE;

  private final Labels labels;
  private final long createdMillis;
  private final long timestampMillis;

  DataPoint(Labels labels, long createdMillis, long timestampMillis) {
    this.labels = Objects.requireNonNull(labels, "labels");
    this.createdMillis = createdMillis;
    this.timestampMillis = timestampMillis;
  }

  /** The series' labels. */
  public Labels labels() {
    return labels;
  }

  /** When the series was created or last reset, in epoch ms, or {@link #NO_TIMESTAMP}. */
  public long createdMillis() {
    return createdMillis;
  }

  /** True when {@link #createdMillis()} is set. */
  public boolean hasCreated() {
    return createdMillis != NO_TIMESTAMP;
  }

  /** An explicit sample timestamp in epoch ms (rare: custom collectors, parsed input). */
  public long timestampMillis() {
    return timestampMillis;
  }

  /** True when {@link #timestampMillis()} is set. */
  public boolean hasTimestamp() {
    return timestampMillis != NO_TIMESTAMP;
  }
}
