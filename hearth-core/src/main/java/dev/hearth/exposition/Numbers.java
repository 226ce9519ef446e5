package dev.hearth.exposition;

/** Strict float parsing for exposition values: no hex, no underscores, no Java suffixes. */
final class Numbers {
  private Numbers() {}

  /**
   * Parses {@code s[from, to)}: an optional sign and a decimal number with optional fraction and
   * exponent, or {@code Inf}/{@code Infinity}/{@code NaN} in any case. Returns NaN when the text
   * is not a number (check with {@link #isNaN}).
   */
  static double parse(String s, int from, int to) {
    int i = from;
    boolean neg = false;
    if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      neg = s.charAt(i) == '-';
      i++;
    }
    if (i == to) {
      return Double.NaN;
    }
    char c = s.charAt(i);
    if (c == 'i' || c == 'I' || c == 'n' || c == 'N') {
      if (regionIs(s, i, to, "inf") || regionIs(s, i, to, "infinity")) {
        return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      }
      return Double.NaN;
    }
    // fast path: up to 15 digits, optionally followed by ".0"
    long v = 0;
    int j = i;
    while (j < to && j - i < 15) {
      char d = s.charAt(j);
      if (d < '0' || d > '9') {
        break;
      }
      v = v * 10 + (d - '0');
      j++;
    }
    if (j > i && (j == to || (j + 2 == to && s.charAt(j) == '.' && s.charAt(j + 1) == '0'))) {
      double r = v;
      return neg ? -r : r;
    }
    // general syntax check, then the JDK's correctly rounded conversion
    j = i;
    int intDigits = 0;
    while (j < to && isDigit(s.charAt(j))) {
      j++;
      intDigits++;
    }
    int fracDigits = 0;
    if (j < to && s.charAt(j) == '.') {
      j++;
      while (j < to && isDigit(s.charAt(j))) {
        j++;
        fracDigits++;
      }
    }
    if (intDigits + fracDigits == 0) {
      return Double.NaN;
    }
    if (j < to && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
      j++;
      if (j < to && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
        j++;
      }
      int expDigits = 0;
      while (j < to && isDigit(s.charAt(j))) {
        j++;
        expDigits++;
      }
      if (expDigits == 0) {
        return Double.NaN;
      }
    }
    if (j != to) {
      return Double.NaN;
    }
    return Double.parseDouble(s.substring(from, to));
  }

  /** True when {@code s[from, to)} spells NaN ({@code NaN}, {@code nan}, optionally signed). */
  static boolean isNaN(String s, int from, int to) {
    int i = from;
    if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    return regionIs(s, i, to, "nan");
  }

  private static boolean regionIs(String s, int from, int to, String lower) {
    if (to - from != lower.length()) {
      return false;
    }
    for (int i = 0; i < lower.length(); i++) {
      char c = s.charAt(from + i);
      if (c != lower.charAt(i) && c != lower.charAt(i) - ('a' - 'A')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
