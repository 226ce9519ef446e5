package dev.hearth.internal;

import dev.hearth.model.MetricType;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Validation of metric names, label names and units.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class Names {
  private Names() {}

  /** Checks {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
  public static void checkMetricName(String name) {
    if (!isValidMetricName(name)) {
      throw new IllegalArgumentException("Invalid metric name '" + name
          + "': must match [a-zA-Z_:][a-zA-Z0-9_:]*");
    }
  }

  /** True for a valid metric name. */
  public static boolean isValidMetricName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
          || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** True for a valid label name: {@code [a-zA-Z_][a-zA-Z0-9_]*}. */
  public static boolean isValidLabelName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
          || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Checks label names of metric {@code metric}: syntax, no {@code __} prefix, unique, not reserved. */
  public static void checkLabelNames(String metric, String[] names, List<String> reserved) {
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (!isValidLabelName(n)) {
        throw new IllegalArgumentException("Metric '" + metric + "': invalid label name '" + n
            + "': must match [a-zA-Z_][a-zA-Z0-9_]*");
      }
      if (n.startsWith("__")) {
        throw new IllegalArgumentException("Metric '" + metric + "': label name '" + n
            + "' is reserved: names starting with __ are for Prometheus' internal use");
      }
      if (reserved.contains(n)) {
        throw new IllegalArgumentException("Metric '" + metric + "': label name '" + n
            + "' is reserved for this metric type");
      }
      if (!seen.add(n)) {
        throw new IllegalArgumentException("Metric '" + metric + "': label name '" + n
            + "' is given twice");
      }
    }
  }

  /** Checks a unit: a valid name fragment, and the metric name ends with it. */
  public static void checkUnit(String metric, String unit) {
    if (!isValidLabelName(unit)) {
      throw new IllegalArgumentException(
          "Metric '" + metric + "': invalid unit '" + unit + "': must match [a-zA-Z_][a-zA-Z0-9_]*");
    }
    if (!metric.endsWith("_" + unit)) {
      throw new IllegalArgumentException(
          "Metric '" + metric + "': name must end with the unit '_" + unit + "'");
    }
  }

  private static final List<String> COUNTER_SUFFIXES = List.of("", "_total", "_created");
  private static final List<String> HISTOGRAM_SUFFIXES =
      List.of("", "_bucket", "_count", "_sum", "_created");
  private static final List<String> SUMMARY_SUFFIXES = List.of("", "_count", "_sum", "_created");
  private static final List<String> INFO_SUFFIXES = List.of("", "_info");
  private static final List<String> NAME_ONLY = List.of("");

  /**
   * The suffixes of every sample name a family of {@code type} may expose, as Python's registry
   * computes them (the family name itself first). Used both to reject clashing registrations and
   * to reject clashing families when parsing OpenMetrics.
   */
  public static List<String> exposedSuffixes(MetricType type) {
    switch (type) {
      case COUNTER:
        return COUNTER_SUFFIXES;
      case HISTOGRAM:
        return HISTOGRAM_SUFFIXES;
      case SUMMARY:
        return SUMMARY_SUFFIXES;
      case INFO:
        return INFO_SUFFIXES;
      default:
        return NAME_ONLY;
    }
  }
}
