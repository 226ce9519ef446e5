package dev.hearth.multiprocess.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON key of an entry: {@code [metric_name, sample_name, {labels}, help_text]}, encoded
 * exactly as Python's {@code json.dumps(..., sort_keys=True)} with its defaults ({@code ", "} and
 * {@code ": "} separators, {@code ensure_ascii}: non-ASCII and DEL as lower-case {@code \}{@code uXXXX},
 * astral characters as surrogate pairs), and parsed as any valid JSON of that shape.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class DbKey {
  /** Python sorts dict keys by code point; for label names (ASCII) this is plain string order. */
  static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  };

  private final String metricName;
  private final String sampleName;
  private final String[] labelNames;
  private final String[] labelValues;
  private final String help;

  /** A key; labels are kept in the given order (the parser keeps the file's order). */
  public DbKey(String metricName, String sampleName, String[] labelNames, String[] labelValues,
      String help) {
    this.metricName = metricName;
    this.sampleName = sampleName;
    this.labelNames = labelNames;
    this.labelValues = labelValues;
    this.help = help;
  }

  /** The family name, e.g. {@code app_requests} (no {@code _total}). */
  public String metricName() {
    return metricName;
  }

  /** The sample name, e.g. {@code app_requests_total}. */
  public String sampleName() {
    return sampleName;
  }

  /** The number of labels. */
  public int labelCount() {
    return labelNames.length;
  }

  /** Label name {@code i}. */
  public String labelName(int i) {
    return labelNames[i];
  }

  /** Label value {@code i}. */
  public String labelValue(int i) {
    return labelValues[i];
  }

  /** The help text. */
  public String help() {
    return help;
  }

  /** Encodes a key as Python does; labels are sorted by name. */
  public static String encode(String metricName, String sampleName, List<String> labelNames,
      List<String> labelValues, String help) {
    if (labelNames.size() != labelValues.size()) {
      throw new IllegalArgumentException(metricName + ": " + labelNames.size() + " label names but "
          + labelValues.size() + " values");
    }
    Integer[] order = new Integer[labelNames.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> CODE_POINT_ORDER.compare(labelNames.get(x), labelNames.get(y)));
    StringBuilder sb = new StringBuilder(64 + metricName.length() + sampleName.length() + help.length());
    sb.append('[');
    appendString(sb, metricName);
    sb.append(", ");
    appendString(sb, sampleName);
    sb.append(", {");
    for (int k = 0; k < order.length; k++) {
      if (k > 0) {
        sb.append(", ");
      }
      appendString(sb, labelNames.get(order[k]));
      sb.append(": ");
      appendString(sb, labelValues.get(order[k]));
    }
    sb.append("}, ");
    appendString(sb, help);
    sb.append(']');
    return sb.toString();
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Appends {@code s} as a JSON string with Python's {@code ensure_ascii} escaping. */
  static void appendString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        case '\n': sb.append("\\n"); break;
        case '\r': sb.append("\\r"); break;
        case '\t': sb.append("\\t"); break;
        case '\b': sb.append("\\b"); break;
        case '\f': sb.append("\\f"); break;
        default:
          if (c < 0x20 || c >= 0x7f) {
            sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  /**
   * Parses a key: a JSON array of a string, a string, an object of strings and a string.
   *
   * @throws IllegalArgumentException describing the first problem and its character index
   */
  public static DbKey parse(String json) {
    Parser p = new Parser(json);
    p.ws();
    p.expect('[');
    String metric = p.string();
    p.comma();
    String sample = p.string();
    p.comma();
    p.ws();
    p.expect('{');
    String[] names = new String[4];
    String[] values = new String[4];
    int n = 0;
    p.ws();
    if (p.peek() == '}') {
      p.pos++;
    } else {
      while (true) {
        String name = p.string();
        p.ws();
        p.expect(':');
        String value = p.string();
        int dup = -1;
        for (int i = 0; i < n; i++) {
          if (names[i].equals(name)) {
            dup = i;
            break;
          }
        }
        if (dup >= 0) { // as Python's dict: the last duplicate wins, at the end
          System.arraycopy(names, dup + 1, names, dup, n - dup - 1);
          System.arraycopy(values, dup + 1, values, dup, n - dup - 1);
          n--;
        }
        if (n == names.length) {
          names = Arrays.copyOf(names, n * 2);
          values = Arrays.copyOf(values, n * 2);
        }
        names[n] = name;
        values[n++] = value;
        p.ws();
        char c = p.next();
        if (c == '}') {
          break;
        }
        if (c != ',') {
          throw p.error("expected ',' or '}' in the labels object");
        }
      }
    }
    p.comma();
    String help = p.string();
    p.ws();
    p.expect(']');
    p.ws();
    if (p.pos != json.length()) {
      throw p.error("unexpected text after the key array");
    }
    return new DbKey(metric, sample, Arrays.copyOf(names, n), Arrays.copyOf(values, n), help);
  }

  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    IllegalArgumentException error(String message) {
      return new IllegalArgumentException("invalid key JSON at character " + pos + ": " + message);
    }

    void ws() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          pos++;
        } else {
          break;
        }
      }
    }

    char peek() {
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      return s.charAt(pos);
    }

    char next() {
      char c = peek();
      pos++;
      return c;
    }

    void expect(char c) {
      if (next() != c) {
        pos--;
        throw error("expected '" + c + "'");
      }
    }

    void comma() {
      ws();
      expect(',');
    }

    String string() {
      ws();
      expect('"');
      int start = pos;
      int end = start;
      int length = s.length();
      while (end < length) { // the usual string: no escape, no control character
        char c = s.charAt(end);
        if (c == '"') {
          pos = end + 1;
          return s.substring(start, end);
        }
        if (c == '\\' || c < 0x20) {
          break;
        }
        end++;
      }
      StringBuilder sb = new StringBuilder(end - start + 16).append(s, start, end);
      pos = end;
      while (true) {
        char c = next();
        if (c == '"') {
          return sb.toString();
        }
        if (c < 0x20) {
          pos--;
          throw error("raw control character in a string");
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"': sb.append('"'); break;
          case '\\': sb.append('\\'); break;
          case '/': sb.append('/'); break;
          case 'b': sb.append('\b'); break;
          case 'f': sb.append('\f'); break;
          case 'n': sb.append('\n'); break;
          case 'r': sb.append('\r'); break;
          case 't': sb.append('\t'); break;
          case 'u':
            if (pos + 4 > s.length()) {
              throw error("truncated \\u escape");
            }
            int v = 0;
            for (int k = 0; k < 4; k++) {
              int d = Character.digit(s.charAt(pos + k), 16);
              if (d < 0) {
                throw error("invalid \\u escape");
              }
              v = v * 16 + d;
            }
            pos += 4;
            sb.append((char) v);
            break;
          default:
            pos--;
            throw error("invalid escape \\" + e);
        }
      }
    }
  }
}
