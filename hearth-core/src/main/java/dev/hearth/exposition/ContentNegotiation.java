package dev.hearth.exposition;

/**
 * Chooses the exposition format for an HTTP {@code Accept} header (RFC 9110 media ranges with
 * q-values).
 *
 * <p>{@code application/openmetrics-text} without a {@code version} or with
 * {@code version=1.0.0} selects {@link ExpositionFormat#OPENMETRICS_1_0_0};
 * {@code text/plain} without a version or with {@code version=0.0.4} selects
 * {@link ExpositionFormat#PROMETHEUS_TEXT_0_0_4}; wildcards ({@code application/*},
 * {@code text/*}, {@code *}{@code /*}) match as RFC 9110 says, the most specific matching range
 * deciding a format's q. The acceptable format ({@code q > 0}) with the highest q wins; on a tie
 * OpenMetrics wins only when a non-wildcard range named it. When nothing acceptable is listed, the
 * header is absent or cannot be parsed, the answer is text 0.0.4.
 *
 * <pre>{@code
 * ContentNegotiation.choose("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
 * // OPENMETRICS_1_0_0
 * }</pre>
 */
public final class ContentNegotiation {
  /** Specificity of a match: none, {@code * /*}, {@code type/*}, {@code type/subtype}, with version. */
  private static final int NONE = -1;

  private ContentNegotiation() {}

  /** The format to answer a request with this {@code Accept} header (may be null). */
  public static ExpositionFormat choose(String acceptHeader) {
    if (acceptHeader == null || acceptHeader.length() > 8192) {
      return ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
    }
    Match om = new Match();
    Match text = new Match();
    Range range = new Range();
    int pos = 0;
    int n = acceptHeader.length();
    while (pos <= n) {
      int end = elementEnd(acceptHeader, pos);
      if (range.parse(acceptHeader, pos, end)) {
        om.offer(range.specificity("application", "openmetrics-text", "1.0.0"), range.q);
        text.offer(range.specificity("text", "plain", "0.0.4"), range.q);
      }
      pos = end + 1;
    }
    boolean omOk = om.q > 0;
    boolean textOk = text.q > 0;
    if (omOk && (!textOk || om.q > text.q || (om.q == text.q && om.specificity >= 2))) {
      return ExpositionFormat.OPENMETRICS_1_0_0;
    }
    return ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
  }

  /** The index of the comma ending the element starting at {@code pos}, or the length. */
  private static int elementEnd(String s, int pos) {
    boolean quoted = false;
    for (int i = pos; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        return i;
      }
    }
    return s.length();
  }

  /** The best (most specific) range matching one format so far. */
  private static final class Match {
    int specificity = NONE;
    int q = 0; // thousandths

    void offer(int spec, int rangeQ) {
      if (spec == NONE) {
        return;
      }
      if (spec > specificity || (spec == specificity && rangeQ > q)) {
        specificity = spec;
        q = rangeQ;
      }
    }
  }

  /** One parsed media range: {@code type/subtype *(; name=value)}. */
  private static final class Range {
    String type;
    String subtype;
    String version; // null when absent
    int q; // thousandths, 0..1000

    /** Parses {@code s[from, to)}; false when empty or malformed. */
    boolean parse(String s, int from, int to) {
      type = null;
      subtype = null;
      version = null;
      q = 1000;
      int i = skipOws(s, from, to);
      int t = token(s, i, to);
      if (t == i || t >= to || s.charAt(t) != '/') {
        return false;
      }
      type = s.substring(i, t);
      int st = token(s, t + 1, to);
      if (st == t + 1) {
        return false;
      }
      subtype = s.substring(t + 1, st);
      if (type.equals("*") && !subtype.equals("*")) {
        return false;
      }
      i = skipOws(s, st, to);
      while (i < to) {
        if (s.charAt(i) != ';') {
          return false;
        }
        i = skipOws(s, i + 1, to);
        if (i == to) {
          return true; // a trailing ';' is tolerated
        }
        int ne = token(s, i, to);
        if (ne == i || ne >= to || s.charAt(ne) != '=') {
          return false;
        }
        String name = s.substring(i, ne);
        String value;
        int ve;
        if (ne + 1 < to && s.charAt(ne + 1) == '"') {
          StringBuilder sb = new StringBuilder();
          ve = ne + 2;
          while (true) {
            if (ve >= to) {
              return false;
            }
            char c = s.charAt(ve++);
            if (c == '"') {
              break;
            }
            if (c == '\\') {
              if (ve >= to) {
                return false;
              }
              c = s.charAt(ve++);
            }
            sb.append(c);
          }
          value = sb.toString();
        } else {
          ve = token(s, ne + 1, to);
          if (ve == ne + 1) {
            return false;
          }
          value = s.substring(ne + 1, ve);
        }
        if (name.equalsIgnoreCase("q")) {
          int parsed = parseQ(value);
          if (parsed < 0) {
            return false;
          }
          q = parsed;
        } else if (name.equalsIgnoreCase("version")) {
          version = value;
        }
        i = skipOws(s, ve, to);
      }
      return true;
    }

    /** How specifically this range names the given media type and version, or {@link #NONE}. */
    int specificity(String wantType, String wantSubtype, String wantVersion) {
      if (type.equals("*")) {
        return 0;
      }
      if (!type.equalsIgnoreCase(wantType)) {
        return NONE;
      }
      if (subtype.equals("*")) {
        return 1;
      }
      if (!subtype.equalsIgnoreCase(wantSubtype)) {
        return NONE;
      }
      if (version == null) {
        return 2;
      }
      return version.equals(wantVersion) ? 3 : NONE;
    }
  }

  /**
   * True when an {@code Accept-Encoding} header allows gzip: {@code gzip} or {@code x-gzip} listed with q above 0, or, when
   * neither is listed, {@code *} with q above 0. Malformed elements are ignored.
   */
  public static boolean acceptsGzip(String header) {
    if (header == null || header.length() > 4096) {
      return false;
    }
    int gzipQ = -1;
    int starQ = -1;
    for (String element : header.split(",", 64)) {
      String[] parts = element.split(";", 8);
      String coding = parts[0].trim().toLowerCase(java.util.Locale.ROOT);
      if (coding.isEmpty()) {
        continue;
      }
      int q = 1000;
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i].trim();
        int eq = p.indexOf('=');
        if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("q")) {
          q = parseQ(p.substring(eq + 1).trim());
        }
      }
      if (q < 0) {
        continue;
      }
      if (coding.equals("gzip") || coding.equals("x-gzip")) {
        gzipQ = Math.max(gzipQ, q);
      } else if (coding.equals("*")) {
        starQ = Math.max(starQ, q);
      }
    }
    return gzipQ >= 0 ? gzipQ > 0 : starQ > 0;
  }

  /** RFC 9110 qvalue in thousandths, or -1 when malformed. */
  private static int parseQ(String v) {
    int n = v.length();
    if (n == 0 || n > 5 || (n >= 2 && v.charAt(1) != '.')) {
      return -1;
    }
    char first = v.charAt(0);
    if (first != '0' && first != '1') {
      return -1;
    }
    int q = (first - '0') * 1000;
    int scale = 100;
    for (int i = 2; i < n; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      q += (c - '0') * scale;
      scale /= 10;
    }
    return q > 1000 ? -1 : q;
  }

  private static int skipOws(String s, int i, int to) {
    while (i < to && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  /** The end of the RFC 9110 token starting at {@code i}. */
  private static int token(String s, int i, int to) {
    while (i < to && isTchar(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isTchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
