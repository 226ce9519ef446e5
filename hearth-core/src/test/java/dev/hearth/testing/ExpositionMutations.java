package dev.hearth.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Grammar-aware changes to valid expositions, for fuzzing parsers: lines duplicated, moved, dropped
 * or repeated, families copied elsewhere or spliced in from another exposition, metric names
 * swapped (so families clash or appear twice), tokens replaced by awkward ones, metadata lines
 * inserted, line endings and blanks changed. Each result is determined by the {@link Random}.
 */
public final class ExpositionMutations {
  private ExpositionMutations() {}

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  /** Splits a line into tokens and the separators between them. */
  private static final Pattern TOKEN = Pattern.compile("[^ \\t{}=,\"#]+|[ \\t{}=,\"#]");

  /** Tokens that mean something in one of the formats or make a value awkward. */
  private static final List<String> AWKWARD = List.of("NaN", "+Inf", "-Inf", "-1", "0", "1e309",
      "-0.0", "1.5", "0x10", "1_000", "", " ", "\t", "le", "quantile", "_total", "_created",
      "_bucket", "_count", "_sum", "_info", "counter", "gauge", "histogram", "summary", "untyped",
      "unknown", "info", "stateset", "gaugehistogram", "# EOF", "#", "\\", "\\\\", "\\n", "\\\"",
      "\"", "{", "}", "=", ",", "HELP", "TYPE", "UNIT", "1700000000.123", "17000000001230",
      "99999999999999999999", "\u00e9", "\ud83d\ude00", "\u0000", "\r");

  private static final List<String> TYPES = List.of("counter", "gauge", "histogram", "summary",
      "untyped", "unknown", "info", "stateset");

  /**
   * One to three grammar-aware changes to {@code valid}; {@code donor} is another exposition
   * whose lines may be spliced in.
   */
  public static String mutate(Random r, String valid, String donor) {
    List<String> lines = lines(valid);
    List<String> donorLines = lines(donor);
    int n = 1 + r.nextInt(3);
    for (int i = 0; i < n; i++) {
      mutateOnce(r, lines, donorLines);
    }
    return String.join("\n", lines);
  }

  /** The lines of {@code text}, the last one empty when the text ends with a newline. */
  private static List<String> lines(String text) {
    return new ArrayList<>(Arrays.asList(text.split("\n", -1)));
  }

  private static void mutateOnce(Random r, List<String> lines, List<String> donor) {
    int size = lines.size();
    int a = r.nextInt(size);
    int b = r.nextInt(size);
    switch (r.nextInt(13)) {
      case 0: // a line again, elsewhere
        lines.add(b, lines.get(a));
        break;
      case 1: // a line moved
        lines.add(b, lines.remove(a));
        break;
      case 2: // a line dropped
        lines.remove(a);
        if (lines.isEmpty()) {
          lines.add("");
        }
        break;
      case 3: // two lines swapped
        String t = lines.get(a);
        lines.set(a, lines.get(b));
        lines.set(b, t);
        break;
      case 4: { // a run of lines (often a family) copied elsewhere
        int from = Math.min(a, b);
        int to = Math.min(size, Math.max(a, b) + 1);
        List<String> run = new ArrayList<>(lines.subList(from, Math.min(to, from + 40)));
        lines.addAll(r.nextInt(lines.size() + 1), run);
        break;
      }
      case 5: { // lines of another exposition spliced in
        int from = r.nextInt(donor.size());
        int count = 1 + r.nextInt(Math.min(20, donor.size() - from));
        lines.addAll(r.nextInt(lines.size() + 1), donor.subList(from, from + count));
        break;
      }
      case 6: // a token replaced by an awkward one or by another token of the text
      case 7:
        lines.set(a, replaceToken(r, lines.get(a), r.nextBoolean()
            ? RandomCases.pick(r, AWKWARD) : randomToken(r, lines.get(b))));
        break;
      case 8: { // every use of one metric name becomes another name used in the text
        String from = firstName(lines.get(a));
        String to = firstName(lines.get(b));
        if (from != null && to != null) {
          String suffix = r.nextBoolean() ? "" : RandomCases.pick(r,
              List.of("_total", "_created", "_bucket", "_count", "_sum", "_info"));
          for (int i = 0; i < lines.size(); i++) {
            lines.set(i, lines.get(i).replace(from, to + suffix));
          }
        }
        break;
      }
      case 9: { // a metadata line for a name of the text, anywhere
        String name = firstName(lines.get(a));
        if (name == null) {
          name = "m";
        }
        String kind = RandomCases.pick(r, List.of("HELP", "TYPE", "UNIT"));
        String rest = kind.equals("TYPE") ? RandomCases.pick(r, TYPES)
            : kind.equals("UNIT") ? "seconds" : "some \\\\ help \\n text";
        lines.add(b, "# " + kind + " " + name + " " + rest);
        break;
      }
      case 10: // line endings, blanks and trailing space
        String line = lines.get(a);
        lines.set(a, RandomCases.pick(r, List.of(line + "\r", line + " ", line + "\t", " " + line,
            "", line.replace(" ", "  "), line.replace(" ", "\t"))));
        break;
      case 11: { // a line repeated many times
        int times = 2 + r.nextInt(50);
        for (int i = 0; i < times; i++) {
          lines.add(a, lines.get(a));
        }
        break;
      }
      default: // the input cut at a line, or "# EOF" moved
        if (r.nextBoolean()) {
          lines.subList(a, lines.size()).clear();
          if (lines.isEmpty()) {
            lines.add("");
          }
        } else {
          lines.add(b, "# EOF");
        }
        break;
    }
  }

  private static String firstName(String line) {
    int i = 0;
    if (line.startsWith("# ")) {
      int space = line.indexOf(' ', 2);
      if (space < 0) {
        return null;
      }
      i = space + 1;
    }
    Matcher m = NAME.matcher(line);
    return m.find(i) && m.start() == i ? m.group() : null;
  }

  private static List<String> tokens(String line) {
    List<String> out = new ArrayList<>();
    Matcher m = TOKEN.matcher(line);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  private static String randomToken(Random r, String line) {
    List<String> t = tokens(line);
    return t.isEmpty() ? "" : RandomCases.pick(r, t);
  }

  private static String replaceToken(Random r, String line, String replacement) {
    List<String> t = tokens(line);
    if (t.isEmpty()) {
      return replacement;
    }
    t.set(r.nextInt(t.size()), replacement);
    return String.join("", t);
  }
}
