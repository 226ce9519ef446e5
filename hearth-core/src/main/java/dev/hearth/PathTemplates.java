package dev.hearth;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns URL paths into low-cardinality label values: {@code /users/12345/orders?page=2} becomes
 * {@code /users/{id}/orders}.
 *
 * <pre>{@code
 * PathTemplates paths = PathTemplates.builder()
 *     .route("/users/{userId}/orders/{orderId}")
 *     .route("/users/me")
 *     .build();
 * paths.normalize("/users/42/orders/7?x=1");    // "/users/{userId}/orders/{orderId}"  (route)
 * paths.normalize("/users/me");                 // "/users/me"                         (route)
 * paths.normalize("/api/items/507f1f77bcf86cd799439011/");  // "/api/items/{hash}/"  (rules)
 * PathTemplates.defaults().normalize("/users/12345");       // "/users/{id}"
 * }</pre>
 *
 * <p>The query string (from the first {@code ?}) and the fragment (from the first {@code #}) are
 * dropped, runs of slashes collapse to one, a missing leading slash is added, a trailing slash is
 * kept when the path has one, and percent-encoding is left as it is (segments are compared and
 * classified in their encoded form). A {@code null} or empty path, or one with no segments, gives
 * {@code "/"}. Dot segments ({@code .}, {@code ..}) are not resolved.
 *
 * <p><b>Routes</b> given to the {@link Builder} take precedence: a path with the same number of
 * segments whose literal segments are equal (case-sensitive) to the route's matches it, and
 * {@code normalize} returns the route pattern exactly as given; a {@code {name}} segment matches any
 * one segment. A trailing slash on the path is ignored for route matching. When several routes
 * match, the one with a literal segment where the others have a placeholder, at the first position
 * where they differ, wins ({@code /users/me} over {@code /users/{id}}); then the one registered
 * first.
 *
 * <p><b>Rules</b> apply to each segment of a path that matches no route: the first rule of
 * {@link #rules()} that matches replaces the segment by its placeholder; a segment that no rule
 * matches is kept. The rules are heuristics: a human-readable segment that mixes letters and digits
 * and is at least 16 characters long ({@code oauth2-callback-handler}) is taken for a token, while
 * a short opaque one ({@code ORD-2024-0001}, {@code report-12.json}) is kept; declare a route for
 * such paths. The result is stable: {@code normalize(normalize(p)).equals(normalize(p))}.
 *
 * <p>{@code normalize} runs in time linear in the length of the path (times the number of routes
 * with the path's segment count) without regular expressions, and allocates only its result: a
 * path that is already normal is returned as the same instance. Instances are immutable and
 * thread-safe.
 */
public final class PathTemplates {
  /**
   * One segment rule of {@link #rules()}.
   *
   * @param name the rule's name, such as {@code uuid}
   * @param replacement what a matching segment becomes, such as {@code {uuid}}
   * @param description which segments match
   */
  public record Rule(String name, String replacement, String description) {
    /** Checks that no component is null. */
    public Rule {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(replacement, "replacement");
      Objects.requireNonNull(description, "description");
    }
  }

  private static final int UUID = 0;
  private static final int ID = 1;
  private static final int DATE = 2;
  private static final int EMAIL = 3;
  private static final int HASH = 4;
  private static final int TOKEN = 5;
  private static final int OPAQUE = 6;
  private static final int NO_RULE = -1;

  private static final int MIN_HASH_LENGTH = 8;
  private static final int MIN_TOKEN_LENGTH = 16;
  private static final int MAX_PLAIN_LENGTH = 64;
  /** RFC 5322 atext symbols that may appear in a path segment, and '.'. */
  private static final String LOCAL_PART_SYMBOLS = ".!$%&'*+-=^_`{|}~";

  /** Indexed by the rule constants above. */
  private static final List<Rule> RULES = List.of(
      new Rule("uuid", "{uuid}", "a UUID: 8-4-4-4-12 hex digits with dashes, either case"),
      new Rule("id", "{id}", "all ASCII digits"),
      new Rule("date", "{date}", "an ISO 8601 date YYYY-MM-DD, optionally followed by T and a time"
          + " of digits, : . , + - Z and percent-encoded characters"),
      new Rule("email", "{email}", "an e-mail address: a local part of letters, digits and "
          + LOCAL_PART_SYMBOLS + ", then @ (or %40), then at least two dot-separated labels of"
          + " letters, digits and -"),
      new Rule("hash", "{hash}", "at least " + MIN_HASH_LENGTH + " hex digits with at least one"
          + " digit 0-9 (git SHAs, Mongo ObjectIds, UUIDs without dashes)"),
      new Rule("token", "{token}", "at least " + MIN_TOKEN_LENGTH + " characters of letters,"
          + " digits and _ - = + with at least one letter and one digit (base64/base64url tokens,"
          + " prefixed ids such as cus_NffrFeUfNV2Hib)"),
      new Rule("opaque", "{opaque}", "any other segment longer than " + MAX_PLAIN_LENGTH
          + " characters"));

  private static final String[] REPLACEMENTS =
      RULES.stream().map(Rule::replacement).toArray(String[]::new);

  private static final Route[][] NO_ROUTES = new Route[0][];
  private static final PathTemplates DEFAULTS = new PathTemplates(List.of(), NO_ROUTES);

  private final List<String> routes;
  /** Routes by segment count, each group most specific first; null where there are none. */
  private final Route[][] routesBySegments;

  private PathTemplates(List<String> routes, Route[][] routesBySegments) {
    this.routes = routes;
    this.routesBySegments = routesBySegments;
  }

  /** The rules alone, without routes. */
  public static PathTemplates defaults() {
    return DEFAULTS;
  }

  /** A builder for templates with routes. */
  public static Builder builder() {
    return new Builder();
  }

  /** The segment rules in the order they are tried (immutable). */
  public List<Rule> rules() {
    return RULES;
  }

  /** The route patterns in the order they were added (immutable). */
  public List<String> routes() {
    return routes;
  }

  /**
   * The low-cardinality form of {@code path}: the matching route's pattern, or else the path with
   * each segment replaced by its rule's placeholder. See the class documentation.
   *
   * @param path a request path such as {@code HttpServletRequest.getRequestURI()}; may carry a
   *     query string and a fragment; may be null
   */
  public String normalize(String path) {
    if (path == null) {
      return "/";
    }
    int end = pathEnd(path);
    if (routesBySegments.length > 0) {
      int segments = countSegments(path, end);
      if (segments < routesBySegments.length && routesBySegments[segments] != null) {
        for (Route route : routesBySegments[segments]) {
          if (route.matches(path, end)) {
            return route.pattern;
          }
        }
      }
    }
    return applyRules(path, end);
  }

  @Override
  public String toString() {
    return "PathTemplates" + routes;
  }

  /** The index of the first '?' or '#', or the length. */
  private static int pathEnd(String path) {
    int n = path.length();
    for (int i = 0; i < n; i++) {
      char c = path.charAt(i);
      if (c == '?' || c == '#') {
        return i;
      }
    }
    return n;
  }

  private static int countSegments(String path, int end) {
    int count = 0;
    boolean inSegment = false;
    for (int i = 0; i < end; i++) {
      boolean slash = path.charAt(i) == '/';
      if (!slash && !inSegment) {
        count++;
      }
      inSegment = !slash;
    }
    return count;
  }

  private static String applyRules(String path, int end) {
    // While out is null, the output so far equals path[0, pos): it is created at the first change.
    StringBuilder out = end > 0 && path.charAt(0) == '/' ? null : new StringBuilder(end + 16);
    int pos = 0;
    int segments = 0;
    int lastSegmentEnd = 0;
    while (pos < end) {
      int slashes = pos;
      while (pos < end && path.charAt(pos) == '/') {
        pos++;
      }
      if (pos == end) {
        break;
      }
      int start = pos;
      while (pos < end && path.charAt(pos) != '/') {
        pos++;
      }
      int rule = classify(path, start, pos);
      if (out == null && (start - slashes > 1 || rule != NO_RULE)) {
        out = new StringBuilder(end + 16).append(path, 0, slashes);
      }
      if (out != null) {
        out.append('/');
        if (rule == NO_RULE) {
          out.append(path, start, pos);
        } else {
          out.append(REPLACEMENTS[rule]);
        }
      }
      segments++;
      lastSegmentEnd = pos;
    }
    if (segments == 0) {
      return "/";
    }
    boolean trailingSlash = path.charAt(end - 1) == '/';
    if (out == null) {
      int outEnd = trailingSlash ? lastSegmentEnd + 1 : lastSegmentEnd;
      return outEnd == path.length() ? path : path.substring(0, outEnd);
    }
    if (trailingSlash) {
      out.append('/');
    }
    return out.toString();
  }

  /** The first rule matching the non-empty segment path[start, end), or NO_RULE. */
  private static int classify(String path, int start, int end) {
    int length = end - start;
    boolean allDigits = true;
    boolean allHex = true;
    boolean allToken = true;
    boolean hasDigit = false;
    boolean hasLetter = false;
    boolean maybeEmail = false;
    for (int i = start; i < end; i++) {
      char c = path.charAt(i);
      if (c >= '0' && c <= '9') {
        hasDigit = true;
        continue;
      }
      allDigits = false;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
        hasLetter = true;
        if (!isHex(c)) {
          allHex = false;
        }
      } else {
        allHex = false;
        if (c != '-' && c != '_' && c != '=' && c != '+') {
          allToken = false;
          if (c == '@' || c == '%') {
            maybeEmail = true;
          }
        }
      }
    }
    if (length == 36 && isUuid(path, start)) {
      return UUID;
    }
    if (allDigits) {
      return ID;
    }
    if (hasDigit && isDate(path, start, end)) {
      return DATE;
    }
    if (maybeEmail && isEmail(path, start, end)) {
      return EMAIL;
    }
    if (allHex && hasDigit && length >= MIN_HASH_LENGTH) {
      return HASH;
    }
    if (allToken && hasDigit && hasLetter && length >= MIN_TOKEN_LENGTH) {
      return TOKEN;
    }
    if (length > MAX_PLAIN_LENGTH) {
      return OPAQUE;
    }
    return NO_RULE;
  }

  private static boolean isUuid(String path, int start) {
    for (int i = 0; i < 36; i++) {
      char c = path.charAt(start + i);
      if (i == 8 || i == 13 || i == 18 || i == 23 ? c != '-' : !isHex(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDate(String path, int start, int end) {
    if (end - start < 10) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      char c = path.charAt(start + i);
      if (i == 4 || i == 7 ? c != '-' : !isDigit(c)) {
        return false;
      }
    }
    if (end - start == 10) {
      return true;
    }
    char t = path.charAt(start + 10);
    if (t != 'T' && t != 't') {
      return false;
    }
    for (int i = start + 11; i < end; i++) {
      char c = path.charAt(i);
      if (c == '%' && i + 2 < end && isHex(path.charAt(i + 1)) && isHex(path.charAt(i + 2))) {
        i += 2;
      } else if (!isDigit(c) && ":.,+-Zz".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isEmail(String path, int start, int end) {
    int domain = -1;
    for (int i = start; i < end; i++) {
      char c = path.charAt(i);
      if (c == '@') {
        domain = i + 1;
        break;
      }
      if (c == '%' && i + 2 < end && path.charAt(i + 1) == '4' && path.charAt(i + 2) == '0') {
        domain = i + 3;
        break;
      }
      if (!isLetterOrDigit(c) && LOCAL_PART_SYMBOLS.indexOf(c) < 0) {
        return false;
      }
    }
    if (domain < 0 || path.charAt(start) == '@' || path.charAt(start) == '%' && domain == start + 3) {
      return false; // no at sign, or an empty local part
    }
    int labels = 0;
    int labelLength = 0;
    for (int i = domain; i < end; i++) {
      char c = path.charAt(i);
      if (c == '.') {
        if (labelLength == 0) {
          return false;
        }
        labels++;
        labelLength = 0;
      } else if (isLetterOrDigit(c) || c == '-') {
        labelLength++;
      } else {
        return false;
      }
    }
    return labelLength > 0 && labels >= 1;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  private static boolean isLetterOrDigit(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  /** A parsed route pattern: literal segments, null where a placeholder is. */
  private static final class Route {
    final String pattern;
    final String[] literals;
    final int order;

    Route(String pattern, String[] literals, int order) {
      this.pattern = pattern;
      this.literals = literals;
      this.order = order;
    }

    /** Whether path[0, end), which has as many segments as this route, matches. */
    boolean matches(String path, int end) {
      int pos = 0;
      for (String literal : literals) {
        while (path.charAt(pos) == '/') {
          pos++;
        }
        int start = pos;
        while (pos < end && path.charAt(pos) != '/') {
          pos++;
        }
        if (literal != null
            && (pos - start != literal.length() || !path.regionMatches(start, literal, 0, literal.length()))) {
          return false;
        }
      }
      return true;
    }

    /** Literal before placeholder at the first position where they differ; then registration order. */
    static int bySpecificity(Route a, Route b) {
      for (int i = 0; i < a.literals.length; i++) {
        boolean aLiteral = a.literals[i] != null;
        if (aLiteral != (b.literals[i] != null)) {
          return aLiteral ? -1 : 1;
        }
      }
      return Integer.compare(a.order, b.order);
    }
  }

  /** Collects routes; not thread-safe. {@link #build()} makes an immutable {@link PathTemplates}. */
  public static final class Builder {
    private final List<String> patterns = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a route such as {@code /users/{id}/orders/{orderId}}: it starts with a slash, has no
     * empty segment (a trailing slash is allowed), no {@code ?} or {@code #}, and each segment is
     * either literal text without braces or a whole-segment placeholder {@code {name}}.
     *
     * @throws IllegalArgumentException naming the pattern and the problem
     */
    public Builder route(String pattern) {
      parse(pattern, 0);
      patterns.add(pattern);
      return this;
    }

    /** Adds each of {@code patterns} as by {@link #route(String)}. */
    public Builder routes(Iterable<String> patterns) {
      for (String pattern : patterns) {
        route(pattern);
      }
      return this;
    }

    /** The templates with the routes added so far. */
    public PathTemplates build() {
      if (patterns.isEmpty()) {
        return DEFAULTS;
      }
      List<List<Route>> groups = new ArrayList<>();
      for (int i = 0; i < patterns.size(); i++) {
        Route route = parse(patterns.get(i), i);
        while (groups.size() <= route.literals.length) {
          groups.add(null);
        }
        if (groups.get(route.literals.length) == null) {
          groups.set(route.literals.length, new ArrayList<>());
        }
        groups.get(route.literals.length).add(route);
      }
      Route[][] bySegments = new Route[groups.size()][];
      for (int n = 0; n < bySegments.length; n++) {
        List<Route> group = groups.get(n);
        if (group != null) {
          group.sort(Route::bySpecificity);
          bySegments[n] = group.toArray(new Route[0]);
        }
      }
      return new PathTemplates(List.copyOf(patterns), bySegments);
    }

    private static Route parse(String pattern, int order) {
      Objects.requireNonNull(pattern, "route pattern");
      if (!pattern.startsWith("/")) {
        throw bad(pattern, "must start with '/'");
      }
      if (pattern.indexOf('?') >= 0 || pattern.indexOf('#') >= 0) {
        throw bad(pattern, "must not contain '?' or '#'");
      }
      if (pattern.contains("//")) {
        throw bad(pattern, "has an empty segment");
      }
      int end = pattern.length() > 1 && pattern.endsWith("/") ? pattern.length() - 1 : pattern.length();
      List<String> literals = new ArrayList<>();
      int pos = 1;
      while (pos < end) {
        int slash = pattern.indexOf('/', pos);
        int segmentEnd = slash < 0 || slash > end ? end : slash;
        if (segmentEnd == pos) {
          throw bad(pattern, "has an empty segment");
        }
        String segment = pattern.substring(pos, segmentEnd);
        int open = segment.indexOf('{');
        int close = segment.indexOf('}');
        if (open < 0 && close < 0) {
          literals.add(segment);
        } else if (open == 0 && close == segment.length() - 1 && close > 1
            && segment.indexOf('{', 1) < 0 && segment.indexOf('}') == close) {
          literals.add(null);
        } else {
          throw bad(pattern, "segment '" + segment + "' must be literal text or a whole {name} placeholder");
        }
        pos = segmentEnd + 1;
      }
      return new Route(pattern, literals.toArray(new String[0]), order);
    }

    private static IllegalArgumentException bad(String pattern, String problem) {
      return new IllegalArgumentException("PathTemplates route '" + pattern + "' " + problem);
    }
  }
}
