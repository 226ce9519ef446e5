package dev.hearth.model;

import dev.hearth.internal.Names;
import java.util.Objects;

/**
 * An exemplar: a sampled observation with its own labels (typically a trace ID), value and
 * optional timestamp. Immutable.
 */
public final class Exemplar {
  /** The largest combined length of an exemplar's label names and values, in UTF-8 characters. */
  public static final int MAX_LABEL_CHARS = 128;

  private final Labels labels;
  private final double value;
  private final long timestampMillis;

  private Exemplar(Labels labels, double value, long timestampMillis) {
    this.labels = labels;
    this.value = value;
    this.timestampMillis = timestampMillis;
  }

  /**
   * An exemplar; {@code timestampMillis} may be {@link DataPoint#NO_TIMESTAMP}.
   *
   * <p>OpenMetrics 1.0 ("Exemplars"): "The combined length of the label names and values of an
   * Exemplar's LabelSet MUST NOT exceed 128 UTF-8 characters", and its label names follow the
   * label name rule ({@code [a-zA-Z_][a-zA-Z0-9_]*}, names beginning with {@code __} reserved).
   * One invalid exemplar makes Prometheus reject the whole scrape, so both are checked here, the
   * only way to make an exemplar.
   *
   * @throws IllegalArgumentException naming the label when a label name is invalid or reserved,
   *     or when the labels exceed {@link #MAX_LABEL_CHARS} code points
   */
  public static Exemplar of(Labels labels, double value, long timestampMillis) {
    Objects.requireNonNull(labels, "labels");
    for (int i = 0; i < labels.size(); i++) {
      String name = labels.name(i);
      if (!Names.isValidLabelName(name)) {
        throw new IllegalArgumentException("Exemplar label name '" + name
            + "' is invalid: must match [a-zA-Z_][a-zA-Z0-9_]*");
      }
      if (name.startsWith("__")) {
        throw new IllegalArgumentException("Exemplar label name '" + name
            + "' is reserved: names starting with __ are for Prometheus' internal use");
      }
    }
    int chars = labelChars(labels);
    if (chars > MAX_LABEL_CHARS) {
      throw new IllegalArgumentException(
          "Exemplar labels " + labels + " have " + chars + " characters, more than the "
              + MAX_LABEL_CHARS + " OpenMetrics allows");
    }
    return new Exemplar(labels, value, timestampMillis);
  }

  /** The number of UTF-8 characters (code points) of all names and values, as OpenMetrics counts. */
  public static int labelChars(Labels labels) {
    int n = 0;
    for (int i = 0; i < labels.size(); i++) {
      String k = labels.name(i);
      String v = labels.value(i);
      n += k.codePointCount(0, k.length()) + v.codePointCount(0, v.length());
    }
    return n;
  }

  /** The exemplar's own labels (not the series' labels). */
  public Labels labels() {
    return labels;
  }

  /** The observed value. */
  public double value() {
    return value;
  }

  /** Epoch milliseconds, or {@link DataPoint#NO_TIMESTAMP}. */
  public long timestampMillis() {
    return timestampMillis;
  }

  /** True when the exemplar carries a timestamp. */
  public boolean hasTimestamp() {
    return timestampMillis != DataPoint.NO_TIMESTAMP;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Exemplar
        && ((Exemplar) o).labels.equals(labels)
        && Double.compare(((Exemplar) o).value, value) == 0
        && ((Exemplar) o).timestampMillis == timestampMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(labels, value, timestampMillis);
  }

  @Override
  public String toString() {
    return "Exemplar" + labels + " " + value + (hasTimestamp() ? " @" + timestampMillis : "");
  }
}
