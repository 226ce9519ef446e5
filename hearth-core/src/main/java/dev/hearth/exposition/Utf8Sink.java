package dev.hearth.exposition;

import dev.hearth.internal.Doubles;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A byte buffer in front of an {@link OutputStream} with hand-rolled UTF-8 encoding, escaping and
 * number formatting, so that writing a sample allocates nothing in the common case. Not
 * thread-safe; one per exposition.
 */
final class Utf8Sink {
  /** Escape backslash and newline (HELP in text 0.0.4). */
  static final int ESCAPE_HELP = 1;
  /** Escape backslash, newline and double quote (label values, OpenMetrics HELP). */
  static final int ESCAPE_QUOTED = 2;

  private static final byte[] DIGIT_PAIRS = new byte[200];

  static {
    for (int i = 0; i < 100; i++) {
      DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
      DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
  }

  private final OutputStream out;
  private final byte[] buf;
  private int pos;

  Utf8Sink(OutputStream out, int capacity) {
    this.out = out;
    this.buf = new byte[capacity];
  }

  /** Writes the buffered bytes to the stream and flushes it. */
  void flush() throws IOException {
    drain();
    out.flush();
  }

  private void drain() throws IOException {
    if (pos > 0) {
      out.write(buf, 0, pos);
      pos = 0;
    }
  }

  private void ensure(int n) throws IOException {
    if (buf.length - pos < n) {
      drain();
    }
  }

  /** One ASCII character. */
  void ascii(char c) throws IOException {
    if (pos == buf.length) {
      drain();
    }
    buf[pos++] = (byte) c;
  }

  /** A string with no escaping (names, units, keywords), UTF-8 encoded. */
  void text(String s) throws IOException {
    escaped(s, 0);
  }

  /**
   * {@code s} UTF-8 encoded, escaping backslash and newline as {@code \\} and {@code \n}, and with
   * {@link #ESCAPE_QUOTED} also {@code "} as {@code \"}. An unpaired surrogate becomes {@code ?}.
   */
  void escaped(String s, int mode) throws IOException {
    int len = s.length();
    byte[] b = buf;
    int p = pos;
    if (b.length - p >= 3 * len) {
      // fast path: room for the worst case (3 bytes per char, 2 per escaped char), ASCII inline
      int i = 0;
      for (; i < len; i++) {
        char c = s.charAt(i);
        if (c >= 0x80 || c == '\\' || c == '\n' || c == '"') {
          break;
        }
        b[p++] = (byte) c;
      }
      if (i == len) {
        pos = p;
        return;
      }
      pos = p;
      escapedSlow(s, i, mode);
      return;
    }
    pos = p;
    escapedSlow(s, 0, mode);
  }

  private void escapedSlow(String s, int from, int mode) throws IOException {
    int len = s.length();
    byte[] b = buf;
    int p = pos;
    for (int i = from; i < len; i++) {
      if (b.length - p < 4) {
        pos = p;
        drain();
        p = 0;
      }
      char c = s.charAt(i);
      if (c < 0x80) {
        if (mode != 0) {
          if (c == '\\') {
            b[p++] = '\\';
          } else if (c == '\n') {
            b[p++] = '\\';
            c = 'n';
          } else if (c == '"' && mode == ESCAPE_QUOTED) {
            b[p++] = '\\';
          }
        }
        b[p++] = (byte) c;
      } else if (c < 0x800) {
        b[p++] = (byte) (0xc0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isSurrogate(c)) {
        char low;
        if (Character.isHighSurrogate(c) && i + 1 < len
            && Character.isLowSurrogate(low = s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, low);
          i++;
          b[p++] = (byte) (0xf0 | (cp >> 18));
          b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
          b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
          b[p++] = (byte) (0x80 | (cp & 0x3f));
        } else {
          b[p++] = '?';
        }
      } else {
        b[p++] = (byte) (0xe0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    pos = p;
  }

  /** Raw bytes (pre-encoded names and label prefixes). */
  void bytes(byte[] bytes) throws IOException {
    int n = bytes.length;
    if (buf.length - pos < n) {
      drain();
      if (n > buf.length) {
        out.write(bytes);
        return;
      }
    }
    System.arraycopy(bytes, 0, buf, pos, n);
    pos += n;
  }

  /** A long in decimal. */
  void decimal(long v) throws IOException {
    ensure(20);
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        text("-9223372036854775808");
        return;
      }
      buf[pos++] = '-';
      v = -v;
    }
    int digits = digitCount(v);
    int end = pos + digits;
    int p = end;
    while (v >= 100) {
      int r = (int) (v % 100);
      v /= 100;
      buf[--p] = DIGIT_PAIRS[2 * r + 1];
      buf[--p] = DIGIT_PAIRS[2 * r];
    }
    if (v >= 10) {
      buf[--p] = DIGIT_PAIRS[2 * (int) v + 1];
      buf[--p] = DIGIT_PAIRS[2 * (int) v];
    } else {
      buf[--p] = (byte) ('0' + v);
    }
    pos = end;
  }

  private static int digitCount(long v) {
    int n = 1;
    while (v >= 10) {
      v /= 10;
      n++;
    }
    return n;
  }

  /**
   * A double exactly as {@link Doubles#format(double)} writes it; integral values below 2^53 are
   * written without allocating.
   */
  void number(double d) throws IOException {
    long l = (long) d;
    if (l == d && l > -(1L << 53) && l < (1L << 53)) {
      if (l == 0 && Double.doubleToRawLongBits(d) != 0) {
        text("-0.0");
      } else if (l < 1_000_000) {
        decimal(l);
        ensure(2);
        buf[pos++] = '.';
        buf[pos++] = '0';
      } else {
        // Go-style exponent, as floatToGoString: 1500000 -> 1.5e+06, 1e10 -> 1e+010.
        int digits = digitCount(l);
        long mantissa = l;
        int significant = digits;
        while (mantissa % 10 == 0) {
          mantissa /= 10;
          significant--;
        }
        ensure(40);
        int start = pos;
        decimal(mantissa);
        if (significant > 1) {
          // shift digits after the first right by one to insert the dot
          System.arraycopy(buf, start + 1, buf, start + 2, significant - 1);
          buf[start + 1] = '.';
          pos++;
        }
        buf[pos++] = 'e';
        buf[pos++] = '+';
        buf[pos++] = '0';
        decimal(digits - 1);
      }
    } else {
      text(Doubles.format(d));
    }
  }

  /**
   * Epoch milliseconds as OpenMetrics seconds with three decimals, e.g. {@code 1700000000.123}.
   */
  void seconds(long millis) throws IOException {
    ensure(26);
    if (millis < 0) {
      if (millis == Long.MIN_VALUE) {
        text("-9223372036854775.808");
        return;
      }
      buf[pos++] = '-';
      millis = -millis;
    }
    decimal(millis / 1000);
    int frac = (int) (millis % 1000);
    buf[pos++] = '.';
    buf[pos++] = (byte) ('0' + frac / 100);
    buf[pos++] = DIGIT_PAIRS[2 * (frac % 100)];
    buf[pos++] = DIGIT_PAIRS[2 * (frac % 100) + 1];
  }

  /**
   * Epoch milliseconds as seconds, formatted exactly as {@link #number(double)} would format
   * {@code millis / 1000.0} (Python's floatToGoString: {@code 1.700000000123e+09}), without
   * allocating. The shortest decimal of {@code millis / 1000.0} is the digits of {@code millis}:
   * no shorter decimal lies within half an ulp of it.
   */
  void secondsAsDouble(long millis) throws IOException {
    if (millis <= 0 || millis % 1000 == 0 || millis >= (1L << 53)) {
      number(millis / 1000.0);
      return;
    }
    long seconds = millis / 1000;
    long digitsValue = millis;
    int fracDigits = 3;
    while (digitsValue % 10 == 0) {
      digitsValue /= 10;
      fracDigits--;
    }
    int intDigits = seconds == 0 ? 1 : digitCount(seconds);
    ensure(40);
    if (seconds >= 1_000_000) {
      // d.ddd...e+0X, the exponent written after "e+0" as Python does
      int start = pos;
      decimal(digitsValue);
      System.arraycopy(buf, start + 1, buf, start + 2, pos - start - 1);
      buf[start + 1] = '.';
      pos++;
      buf[pos++] = 'e';
      buf[pos++] = '+';
      buf[pos++] = '0';
      decimal(intDigits - 1);
    } else {
      decimal(seconds);
      buf[pos++] = '.';
      long frac = millis % 1000;
      int div = 100;
      for (int i = 0; i < fracDigits; i++) {
        buf[pos++] = (byte) ('0' + (frac / div) % 10);
        div /= 10;
      }
    }
  }
}
