package dev.hearth;

/**
 * What a labelled metric does with a new label combination once it has reached its series limit
 * ({@code maxSeries}). Existing series keep working under every policy, and recording on a child
 * never throws because of the limit.
 */
public enum CardinalityPolicy {
  /**
   * Record into one extra series whose label values are all {@value #OVERFLOW_VALUE}, so totals
   * stay right ({@code sum(rate(x[5m]))} still counts every event). The default.
   */
  OVERFLOW,
  /** Do not record: {@code labels(...)} returns a detached child whose values are never exposed. */
  DROP,
  /** {@code labels(...)} throws {@link CardinalityLimitExceededException}. */
  FAIL;

  /** The label value of every label of the overflow series. */
  public static final String OVERFLOW_VALUE = "__overflow__";
}
