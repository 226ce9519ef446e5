package dev.hearth.internal;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Float formatting for the exposition formats, identical to Python prometheus_client's
 * {@code floatToGoString}: {@code +Inf}, {@code -Inf}, {@code NaN}; otherwise Python's shortest
 * {@code repr} ({@code 1.0}, {@code 0.005}, {@code 1e-05}), switching to an exponent from
 * {@code 1e+06} upwards for positive values as Go does. Every output parses back to the same double.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class Doubles {
  private Doubles() {}

  /** Formats {@code d} as Python prometheus_client does. */
  public static String format(double d) {
    if (d == Double.POSITIVE_INFINITY) {
      return "+Inf";
    }
    if (d == Double.NEGATIVE_INFINITY) {
      return "-Inf";
    }
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e6) {
      if (d == 0 && Double.doubleToRawLongBits(d) != 0) {
        return "-0.0";
      }
      return (long) d + ".0";
    }
    StringBuilder sb = new StringBuilder(24);
    appendPythonRepr(d, sb);
    String s = sb.toString();
    int dot = s.indexOf('.');
    if (d > 0 && dot > 6 && s.indexOf('e') < 0) {
      // Go switches to exponents sooner than Python does (client_python's floatToGoString).
      String digits = (s.charAt(0) + s.substring(1, dot) + s.substring(dot + 1));
      String mantissa = s.charAt(0) + "." + digits.substring(1);
      mantissa = stripTrailing(mantissa);
      // Python writes "e+0" and the exponent, so 1.5e10 becomes "1.5e+010"; kept for identical `le`.
      return mantissa + "e+0" + (dot - 1);
    }
    return s;
  }

  /** Python's {@code rstrip('0.')}: removes trailing zeros and dots. */
  private static String stripTrailing(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '0' || s.charAt(end - 1) == '.')) {
      end--;
    }
    return s.substring(0, end);
  }

  /** Appends Python's {@code repr(d)} of a finite double. */
  static void appendPythonRepr(double d, StringBuilder out) {
    // Java's Double.toString round-trips; re-render its digits the way Python does: plain
    // notation for exponents in [-4, 16), else d.ddde[+-]XX.
    String j = Double.toString(Math.abs(d));
    int e = j.indexOf('E');
    String mant = e < 0 ? j : j.substring(0, e);
    int dot = mant.indexOf('.');
    String intPart = mant.substring(0, dot);
    String all = intPart + mant.substring(dot + 1);
    int baseExp = e < 0 ? 0 : Integer.parseInt(j.substring(e + 1));
    int firstNonZero = 0;
    while (firstNonZero < all.length() - 1 && all.charAt(firstNonZero) == '0') {
      firstNonZero++;
    }
    int exp = baseExp + intPart.length() - 1 - firstNonZero; // decimal exponent of the first digit
    String digits = all.substring(firstNonZero);
    int end = digits.length();
    while (end > 1 && digits.charAt(end - 1) == '0') {
      end--;
    }
    digits = digits.substring(0, end);
    if (digits.length() >= 16 || Math.abs(d) < Double.MIN_NORMAL) {
      // Java 17 is sometimes not shortest here (2^55, 1e23, 4.9e-324); Python always is.
      BigDecimal shortest = shortest(Math.abs(d));
      digits = shortest.unscaledValue().toString();
      exp = digits.length() - 1 - shortest.scale();
    }
    if (d < 0) {
      out.append('-');
    }
    if (exp < -4 || exp >= 16) {
      out.append(digits.charAt(0));
      if (digits.length() > 1) {
        out.append('.').append(digits, 1, digits.length());
      }
      out.append('e').append(exp < 0 ? '-' : '+');
      int a = Math.abs(exp);
      if (a < 10) {
        out.append('0');
      }
      out.append(a);
    } else if (exp < 0) {
      out.append("0.");
      for (int i = -1; i > exp; i--) {
        out.append('0');
      }
      out.append(digits);
    } else if (digits.length() <= exp + 1) {
      out.append(digits);
      for (int i = digits.length(); i <= exp; i++) {
        out.append('0');
      }
      out.append(".0");
    } else {
      out.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
    }
  }

  /**
   * The shortest decimal that parses back to {@code v} (finite, non-negative) and, among those,
   * the nearest to {@code v}: Python's {@code repr} (and Java 19+'s {@code Double.toString}).
   * Java 17's {@code Double.toString} round-trips but is sometimes longer ({@code 2^55},
   * {@code 1e23}, {@code 4.9e-324}) or not the nearest in its last digit. The decimals that parse
   * to {@code v} form an interval around it (lopsided at powers of two), so if any p-digit decimal
   * does, the p-digit decimal just below or just above {@code v} does: trying both for p = 1, 2,
   * ... finds the answer.
   */
  static BigDecimal shortest(double v) {
    BigDecimal exact = new BigDecimal(v);
    for (int p = 1; p <= 17; p++) {
      BigDecimal down = exact.round(new MathContext(p, RoundingMode.FLOOR));
      BigDecimal up = exact.round(new MathContext(p, RoundingMode.CEILING));
      boolean downOk = Double.parseDouble(down.toString()) == v;
      boolean upOk = Double.parseDouble(up.toString()) == v;
      if (downOk && upOk) {
        int cmp = exact.subtract(down).compareTo(up.subtract(exact));
        BigDecimal pick = cmp < 0 ? down : cmp > 0 ? up
            : (down.unscaledValue().testBit(0) ? up : down); // a tie: the even last digit
        return pick.stripTrailingZeros();
      }
      if (downOk || upOk) {
        return (downOk ? down : up).stripTrailingZeros();
      }
    }
    return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
  }
}
