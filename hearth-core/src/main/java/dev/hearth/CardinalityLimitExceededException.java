package dev.hearth;

/**
 * Thrown by {@code labels(...)} of a metric with {@link CardinalityPolicy#FAIL} when a new label
 * combination would exceed its series limit.
 */
public final class CardinalityLimitExceededException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String metric;
  private final int limit;

  CardinalityLimitExceededException(String metric, int limit, String labels) {
    super("Metric '" + metric + "' reached its limit of " + limit + " series; rejected new series "
        + labels + " (raise maxSeries, or choose CardinalityPolicy.OVERFLOW or DROP)");
    this.metric = metric;
    this.limit = limit;
  }

  /** The metric's family name. */
  public String metric() {
    return metric;
  }

  /** The series limit that was reached. */
  public int limit() {
    return limit;
  }
}
