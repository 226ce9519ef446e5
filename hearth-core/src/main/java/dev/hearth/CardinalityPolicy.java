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

  /**
   * The label value of every label of the overflow series. It is reserved: {@code labels(...)}
   * with this value for any label throws {@link IllegalArgumentException} naming the metric, the
   * label and the value (under every policy, before or after the limit), so a real series can
   * never be exposed with the overflow series' labels. The check runs only when a new series is
   * created; looking up an existing series is unchanged. Map such an input to another value
   * first (e.g. with {@link LabelValueAllowList}).
   */
  public static final String OVERFLOW_VALUE = "__overflow__";
}
