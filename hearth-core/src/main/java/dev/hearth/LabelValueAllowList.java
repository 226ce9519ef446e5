package dev.hearth;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps a label to a fixed set of values: any other value (and {@code null}) becomes a replacement,
 * {@code "other"} unless configured, so that client-controlled input cannot create new series.
 *
 * <pre>{@code
 * LabelValueAllowList methods = LabelValueAllowList.httpMethods();
 * requests.labels(methods.apply(req.getMethod()), LabelValueAllowList.statusClass(status)).inc();
 * // "GET", "2xx";  "BREW", 999 -> "other", "other"
 *
 * LabelValueAllowList regions = LabelValueAllowList.of("eu", "us").withReplacement("unknown");
 * regions.apply("eu");    // "eu" (the same instance)
 * regions.apply("mars");  // "unknown"
 * }</pre>
 *
 * <p>Values are compared exactly (case-sensitive). Instances are immutable and thread-safe, and
 * {@link #apply} does not allocate.
 */
public final class LabelValueAllowList {
  /** The default replacement for values not in the list. */
  public static final String OTHER = "other";

  private static final LabelValueAllowList HTTP_METHODS =
      of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
  private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

  private final Set<String> values;
  private final String replacement;

  private LabelValueAllowList(Set<String> values, String replacement) {
    this.values = values;
    this.replacement = replacement;
  }

  /**
   * Allows {@code values} (duplicates are ignored), replacing others by {@value #OTHER}.
   *
   * @throws NullPointerException when {@code values} or one of them is null
   */
  public static LabelValueAllowList of(String... values) {
    return of(Arrays.asList(values));
  }

  /**
   * Allows {@code values} (duplicates are ignored), replacing others by {@value #OTHER}.
   *
   * @throws NullPointerException when {@code values} or one of them is null
   */
  public static LabelValueAllowList of(Collection<String> values) {
    for (String value : values) {
      if (value == null) {
        throw new NullPointerException("LabelValueAllowList: null value in " + values);
      }
    }
    return new LabelValueAllowList(Set.copyOf(values), OTHER);
  }

  /**
   * The HTTP methods of RFC 9110 and PATCH, upper case as sent: GET, HEAD, POST, PUT, DELETE,
   * CONNECT, OPTIONS, TRACE, PATCH. Other methods, including lower-case spellings, become
   * {@value #OTHER}.
   */
  public static LabelValueAllowList httpMethods() {
    return HTTP_METHODS;
  }

  /**
   * The class of an HTTP status code: {@code "1xx"} to {@code "5xx"} for 100 to 599, else
   * {@value #OTHER}.
   */
  public static String statusClass(int status) {
    return status >= 100 && status <= 599 ? STATUS_CLASSES[status / 100 - 1] : OTHER;
  }

  /** This list with {@code replacement} for values not in it. */
  public LabelValueAllowList withReplacement(String replacement) {
    Objects.requireNonNull(replacement, "LabelValueAllowList: replacement");
    return new LabelValueAllowList(values, replacement);
  }

  /** {@code value} itself (the same instance) when allowed, else the replacement. */
  public String apply(String value) {
    return value != null && values.contains(value) ? value : replacement;
  }

  /** Whether {@code value} is allowed. */
  public boolean allows(String value) {
    return value != null && values.contains(value);
  }

  /** The allowed values (immutable, unordered). */
  public Set<String> values() {
    return values;
  }

  /** What values not in the list become. */
  public String replacement() {
    return replacement;
  }

  @Override
  public String toString() {
    return "LabelValueAllowList" + values + " else '" + replacement + "'";
  }
}
