package dev.hearth.exporter.common;

import java.util.Locale;

/** Reads an {@code Accept-Encoding} header (RFC 9110, with q-values). */
final class AcceptEncoding {
  private AcceptEncoding() {}

  /**
   * True when gzip is acceptable: {@code gzip} or {@code x-gzip} listed with q above 0, or, when
   * neither is listed, {@code *} with q above 0. Malformed elements are ignored.
   */
  static boolean acceptsGzip(String header) {
    if (header == null || header.length() > 4096) {
      return false;
    }
    int gzipQ = -1;
    int starQ = -1;
    for (String element : header.split(",", 64)) {
      String[] parts = element.split(";", 8);
      String coding = parts[0].trim().toLowerCase(Locale.ROOT);
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

  /** An RFC 9110 qvalue in thousandths, or -1 when malformed. */
  static int parseQ(String v) {
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
}
