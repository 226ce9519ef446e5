package dev.hearth.exporter.common;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/** Parses the {@code name[]} parameters of a scrape's query string, within limits. */
final class NameQuery {
  private NameQuery() {}

  /** A query that must be refused with {@link #status}. */
  static final class BadQueryException extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    BadQueryException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /** The selected names (sorted), or null when the query selects no names (everything). */
  static Set<String> parse(String rawQuery) throws BadQueryException {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return null;
    }
    if (rawQuery.length() > ScrapeHandler.MAX_QUERY_LENGTH) {
      throw new BadQueryException(414, "query string longer than "
          + ScrapeHandler.MAX_QUERY_LENGTH + " characters");
    }
    TreeSet<String> names = null;
    int count = 0;
    int pos = 0;
    while (pos <= rawQuery.length()) {
      int amp = rawQuery.indexOf('&', pos);
      if (amp < 0) {
        amp = rawQuery.length();
      }
      String part = rawQuery.substring(pos, amp);
      pos = amp + 1;
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String key = decode(eq < 0 ? part : part.substring(0, eq));
      if (!key.equals("name[]")) {
        continue; // other parameters are ignored
      }
      String value = eq < 0 ? "" : decode(part.substring(eq + 1));
      count++;
      if (count > ScrapeHandler.MAX_NAMES) {
        throw new BadQueryException(400, "bad name[] parameters: more than "
            + ScrapeHandler.MAX_NAMES + " names");
      }
      if (value.length() > ScrapeHandler.MAX_NAME_LENGTH) {
        throw new BadQueryException(400, "bad name[] parameter: a name longer than "
            + ScrapeHandler.MAX_NAME_LENGTH + " characters");
      }
      if (!isMetricName(value)) {
        throw new BadQueryException(400, "bad name[] parameter: \"" + printable(value)
            + "\" is not a valid metric name");
      }
      if (names == null) {
        names = new TreeSet<>();
      }
      names.add(value);
    }
    return names == null ? null : Collections.unmodifiableSet(names);
  }

  private static String decode(String s) throws BadQueryException {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadQueryException(400, "malformed percent-encoding in the query string");
    }
  }

  /** {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
  static boolean isMetricName(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
          || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** At most 40 characters of {@code s}, non-printable ASCII replaced by {@code ?}. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && i < 40; i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
    }
    if (s.length() > 40) {
      sb.append("...");
    }
    return sb.toString();
  }
}
